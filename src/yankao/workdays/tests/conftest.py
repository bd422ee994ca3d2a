"""Users and declared days the workdays tests share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from yankao.agencies.models import User
from yankao.agencies.services import set_roles
from yankao.workdays.models import DeclaredDay, DeclaredDayKind

PASSWORD = "Calendar-test-91"


@pytest.fixture
def make_person(db: Any) -> Callable[..., User]:
    def make(username: str, roles: list[str] | None = None, **extra: Any) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, **extra)
        if roles:
            set_roles(user, roles)
        return user

    return make


@pytest.fixture
def rdec_admin(make_person: Callable[..., User]) -> User:
    return make_person("wd.admin", ["rdec_admin"], is_staff=True)


@pytest.fixture
def officer(make_person: Callable[..., User]) -> User:
    return make_person("wd.officer", ["agency_case_officer"])


@pytest.fixture
def officer_client(officer: User) -> Client:
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def admin_client_rdec(rdec_admin: User) -> Client:
    client = Client()
    client.force_login(rdec_admin)
    return client


@pytest.fixture
def gaemi(db: Any) -> list[DeclaredDay]:
    """Typhoon Gaemi: the city closed on 2024-07-24/25, 那瑪夏區 also on Friday 07-26."""
    return [
        DeclaredDay.objects.create(
            date=dt.date(2024, 7, 24), kind=DeclaredDayKind.CLOSURE, reason="凱米颱風停止上班"
        ),
        DeclaredDay.objects.create(
            date=dt.date(2024, 7, 25), kind=DeclaredDayKind.CLOSURE, reason="凱米颱風停止上班"
        ),
        DeclaredDay.objects.create(
            date=dt.date(2024, 7, 26),
            district="那瑪夏區",
            kind=DeclaredDayKind.CLOSURE,
            reason="凱米颱風災後停止上班",
        ),
    ]
