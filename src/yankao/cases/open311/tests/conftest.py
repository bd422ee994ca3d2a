"""Open311 fixtures: categories, an API client, the live server's base URL and the spec schemas."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from yankao.cases import services
from yankao.cases.models import ApiClient, Case, CaseType, Category, Channel
from yankao.cases.services import Intake, PetitionerData

API_KEY = "fms-kaohsiung-test-key-0001"
OTHER_KEY = "city-app-test-key-0002"
REPO = Path(__file__).resolve().parents[5]
SCHEMA_DIR = Path(
    os.environ.get("YANKAO_OPEN311_SCHEMAS", REPO.parent / "shared" / "data" / "open311-schemas")
)
OFFSET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


@pytest.fixture
def categories(categories: dict[str, Category], agencies: dict[str, Any]) -> dict[str, Category]:
    """The cases app's test tree, plus an inactive leaf and a leaf under an inactive group."""
    retired = Category.objects.create(code="OLD", name_zh="停用類別", active=False, sort_order=4)
    return {
        **categories,
        "inactive": Category.objects.create(
            code="ROAD-OLD",
            parent=categories["road"],
            name_zh="舊路燈類別",
            case_type=CaseType.DISPATCH,
            agency=agencies["road"],
            active=False,
        ),
        "orphan": Category.objects.create(
            code="OLD-LEAF",
            parent=retired,
            name_zh="停用大類下的細項",
            case_type=CaseType.PETITION,
            agency=agencies["road"],
        ),
    }


def make_client(name: str, key: str, **extra: Any) -> ApiClient:
    return ApiClient.objects.create(
        name=name, key_hash=hashlib.sha256(key.encode()).hexdigest(), **extra
    )


@pytest.fixture
def fms(db: Any) -> ApiClient:
    """The FixMyStreet-style client, channel APP by default."""
    return make_client("FixMyStreet 高雄", API_KEY)


@pytest.fixture
def base(live_server: Any) -> str:
    """The Open311 root on the live server, always 127.0.0.1 (never a name lookup)."""
    url = urlsplit(live_server.url)
    return f"http://127.0.0.1:{url.port}/open311/v2"


@pytest.fixture
def file_case(categories: dict[str, Category]) -> Callable[..., Case]:
    """A case filed through the services, as the hotline would: a petitioner with full details."""

    def make(category: str = "sidewalk", **overrides: Any) -> Case:
        chosen = categories[category]
        values: dict[str, Any] = {
            "case_type": chosen.case_type,
            "channel": Channel.HOTLINE,
            "category": chosen,
            "description": "光遠路人行道紅磚破損，行人容易絆倒。",
            "petitioner": PetitionerData(
                name="王小明",
                phone="0912345123",
                email="ming@example.com",
                address="高雄市鳳山區光遠路123號",
            ),
            "address": "高雄市鳳山區光遠路200號前",
            "received_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=1),
        }
        values.update(overrides)
        case, _code = services.create_case(Intake(**values))
        return case

    return make


@pytest.fixture
def schema() -> Callable[[Any, str], None]:
    """Validate a body against one of the spec's JSON Schemas (resolving their relative $refs)."""
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"Open311 JSON Schemas not found at {SCHEMA_DIR} (shared/ is absent)")
    from jsonschema import Draft7Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def zoned(value: object) -> bool:
        # jsonschema skips date-time without an optional package; the spec wants a zone.
        return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("uri")
    def absolute(value: object) -> bool:
        parts = urlsplit(value) if isinstance(value, str) else None
        return parts is None or bool(parts.scheme and parts.netloc)

    registry: Registry = Registry()
    contents = {}
    for path in SCHEMA_DIR.glob("*.json"):
        contents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(
            path.name, Resource.from_contents(contents[path.name], default_specification=DRAFT7)
        )

    def validate(body: Any, name: str) -> None:
        Draft7Validator(contents[name], registry=registry, format_checker=checker).validate(body)

    return validate
