"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) over the citizen case system.

Outside apps (FixMyStreet-style clients, the city's own app) list services, file petitions and
dispatch reports, and follow their status. Reads are public, as the spec intends, so everything
they return is filtered (no confidential cases) and redacted (no petitioner's personal data).
Writes need an `ApiClient` key. Plain Django views: the spec's bare-array JSON and fixed XML roots
are easier to keep exact without DRF's renderers, and they stay out of the internal OpenAPI schema.
"""
