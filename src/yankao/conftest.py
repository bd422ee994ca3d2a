"""Fixtures every app's tests share: a small agency tree and one user per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from yankao.agencies.factories import AgencyFactory, UserFactory
from yankao.agencies.models import Agency, AgencyKind, User
from yankao.agencies.roles import RoleCode

PASSWORD = "Correct-horse-9"  # noqa: S105 - test accounts only


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Real hashing is deliberately slow; tests check behaviour, not the hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """A test-client request in English leaves English active in the thread; reset it."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_agency_cache() -> None:
    """Each test has its own agencies; a routing table kept from another test would mislead."""
    from yankao.agencies.services import forget_district_offices
    from yankao.assistant.services.suggestion import forget_intake_cache
    from yankao.cases.services import forget_categories

    forget_district_offices()
    forget_intake_cache()
    forget_categories()


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    """City → RDEC, Public Works (→ Road Maintenance), Environmental Protection, a district."""
    city = AgencyFactory(code="397000000A", name_zh="高雄市政府", kind=AgencyKind.CITY)
    rdec = AgencyFactory(
        code="397220000A", name_zh="高雄市政府研究發展考核委員會", short_name="研考會", parent=city
    )
    pwb = AgencyFactory(
        code="397110000G", name_zh="高雄市政府工務局", short_name="工務局", parent=city
    )
    road = AgencyFactory(
        code="YK397110A01",
        code_official=False,
        name_zh="高雄市政府工務局養護工程處",
        short_name="養護工程處",
        kind=AgencyKind.SECOND_LEVEL,
        parent=pwb,
    )
    epb = AgencyFactory(
        code="397150000I", name_zh="高雄市政府環境保護局", short_name="環保局", parent=city
    )
    fengshan = AgencyFactory(
        code="397620000A",
        name_zh="高雄市鳳山區公所",
        short_name="鳳山區公所",
        kind=AgencyKind.DISTRICT_OFFICE,
        district="鳳山區",
        parent=city,
    )
    return {"city": city, "rdec": rdec, "pwb": pwb, "road": road, "epb": epb, "fengshan": fengshan}


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> Callable[..., User]:
    def make(username: str, role: str | None, agency: str = "rdec", **extra: Any) -> User:
        return UserFactory(
            username=username,
            agency=agencies[agency],
            roles=[role] if role else [],
            **extra,
        )

    return make


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """One user per role; agency users at Public Works, Road Maintenance and EPB."""
    return {
        "admin": make_user("admin", RoleCode.RDEC_ADMIN, is_staff=True),
        "rdec_case": make_user("rdec.case", RoleCode.RDEC_CASE_OFFICER),
        "operator": make_user("operator", RoleCode.HOTLINE_OPERATOR),
        "planner": make_user("planner", RoleCode.PLAN_CONTROLLER),
        "inspector": make_user("inspector", RoleCode.INSPECTOR),
        "pwb_officer": make_user("pwb.officer", RoleCode.AGENCY_CASE_OFFICER, "pwb"),
        "pwb_chief": make_user("pwb.chief", RoleCode.AGENCY_SUPERVISOR, "pwb"),
        "road_officer": make_user("road.officer", RoleCode.AGENCY_CASE_OFFICER, "road"),
        "epb_officer": make_user("epb.officer", RoleCode.AGENCY_CASE_OFFICER, "epb"),
        "viewer": make_user("viewer", RoleCode.VIEWER, "city"),
    }


from yankao.browser import chromium, page  # noqa: E402, F401  (browser fixtures for every app)
