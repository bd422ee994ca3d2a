"""Fixtures for attachment tests: a private media root, people as owners, sample files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from yankao.agencies.models import User
from yankao.attachments.services import is_owner, register_owner, unregister_owner


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """The shared people fixture hashes ten passwords; these tests never check one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Messages are asserted in their English source form, whatever translations exist.

    LANGUAGE_CODE covers requests (LocaleMiddleware falls back to it), override the rest.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def person_owner() -> Iterator[type[User]]:
    """People are scoped records (line "people", by agency): a ready owner model for tests."""
    already = is_owner(User)
    register_owner(User)
    yield User
    if not already:
        unregister_owner(User)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
