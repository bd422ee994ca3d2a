"""The spec's two wire formats, exactly: bare JSON arrays and XML with fixed root elements.

FixMyStreet's own server wraps JSON in an object and sends XML as application/xml; both break
GeoReport v2 clients, so these helpers are the only way a response leaves this package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

FORMATS = ("json", "xml")
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# In XML each item of a list field is an element named after the list (spec examples).
XML_ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all; a pasted control character must not break a feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311Error(Exception):
    """A failure the client must see as the spec's error list, with this HTTP status."""

    def __init__(self, status: int, descriptions: Iterable[str]) -> None:
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        super().__init__("; ".join(self.descriptions))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list | tuple):
        item_name = XML_ITEM_NAMES.get(name, "item")
        for child in value:
            _append(element, item_name, child)
    else:
        element.text = _text(value)


def to_xml(payload: Mapping[str, Any] | Sequence[Mapping[str, Any]], root: str, item: str) -> bytes:
    """A list becomes `<root><item>…</item>…</root>`; a mapping becomes `<root>fields</root>`."""
    top = ET.Element(root)
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            _append(top, key, value)
    else:
        for row in payload:
            _append(top, item, row)
    return XML_DECLARATION + ET.tostring(top, encoding="unicode").encode()


def render(
    payload: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    root: str,
    item: str = "",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    if fmt == "xml":
        response = HttpResponse(
            to_xml(payload, root, item), content_type=XML_CONTENT_TYPE, status=status
        )
    else:
        body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body.encode(), content_type=JSON_CONTENT_TYPE, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def render_error(error: Open311Error, fmt: str) -> HttpResponse:
    """The spec's `errors`: one {code, description} per problem, code being the HTTP status."""
    rows = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(rows, fmt, root="errors", item="error", status=error.status)
