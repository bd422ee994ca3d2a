"""The PyPI `georeport` client, plus the two read calls it lacks (discovery and tokens).

The additions follow the library's own pattern (requests + xmltodict, same parsing), so every
read in the tests goes through one client the way a third-party consumer would call us.
"""

from __future__ import annotations

from typing import Any

import requests
import xmltodict
from georeport import GeoReport

TIMEOUT = 10


class Client(GeoReport):
    def _get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        response = requests.get(
            f"{self.root_address}/{path}.{self.output_format}", params=params, timeout=TIMEOUT
        )
        response.raise_for_status()
        return response

    def get_discovery(self) -> dict[str, Any]:
        response = self._get("discovery")
        if self.output_format == "json":
            return response.json()
        return xmltodict.parse(response.content)["discovery"]

    def get_service_request_id_from_token(self, token: str) -> dict[str, Any]:
        response = self._get(f"tokens/{token}")
        if self.output_format == "json":
            return response.json()[0]
        return xmltodict.parse(response.content)["service_requests"]["request"]


def clients(base: str) -> dict[str, Client]:
    return {fmt: Client(base, output_format=fmt) for fmt in ("json", "xml")}


def as_list(parsed: Any) -> list[dict[str, Any]]:
    """xmltodict gives one element as a dict and none as None; lists stay lists."""
    if parsed is None:
        return []
    return parsed if isinstance(parsed, list) else [parsed]


def as_xml(row: dict[str, Any]) -> dict[str, Any]:
    """What a JSON row looks like after the XML round trip: every scalar as text, null as None."""

    def text(value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: text(value) for key, value in row.items()}
