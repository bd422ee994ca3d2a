from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yankao.audit.models import AuditAction, AuditEntry
from yankao.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_logout_are_audited(people):
    client = Client()
    response = login(client, "pwb.officer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.post(reverse("logout"))
    actions = list(
        AuditEntry.objects.filter(actor_name="pwb.officer")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [AuditAction.LOGIN, AuditAction.LOGOUT]


def test_wrong_password_gets_a_clear_message_and_is_audited(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    response = login(client, "pwb.officer", "wrong")
    assert response.status_code == 200
    assert "帳號或密碼不正確" in response.content.decode()
    assert (
        AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_name="pwb.officer").count()
        == 1
    )


def test_lockout_after_repeated_failures_then_release(people, settings):
    settings.YANKAO_LOGIN_FAILURE_LIMIT = 3
    settings.YANKAO_LOGIN_LOCKOUT_MINUTES = 15
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    for _ in range(3):
        login(client, "pwb.officer", "wrong")
    # Even the right password is refused while locked.
    response = login(client, "pwb.officer", PASSWORD)
    assert response.status_code == 200
    assert "鎖定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert login(Client(), "epb.officer", PASSWORD).status_code == 302
    # After the window the right password works again.
    later = timezone.now() + dt.timedelta(minutes=16)
    with mock.patch("yankao.agencies.backends.timezone.now", return_value=later):
        assert login(client, "pwb.officer", PASSWORD).status_code == 302


def test_successful_login_resets_the_failure_count(people, settings):
    settings.YANKAO_LOGIN_FAILURE_LIMIT = 3
    client = Client()
    login(client, "pwb.officer", "wrong")
    login(client, "pwb.officer", "wrong")
    assert login(client, "pwb.officer", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    login(client, "pwb.officer", "wrong")
    login(client, "pwb.officer", "wrong")
    assert login(client, "pwb.officer", PASSWORD).status_code == 302


def test_idle_session_expires(people):
    client = Client()
    assert login(client, "pwb.officer", PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_timeout_comes_from_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
