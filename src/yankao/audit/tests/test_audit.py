from __future__ import annotations

import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from yankao.agencies.models import Agency
from yankao.audit.models import AppendOnlyError, AuditAction, AuditEntry
from yankao.audit.services import acting_as, entries_for, record

pytestmark = pytest.mark.django_db


def test_changes_record_old_and_new_values(people, agencies):
    agency = agencies["epb"]
    with acting_as(people["admin"]):
        agency.phone = "07-7351500"
        agency.save()
    entry = entries_for(agency).filter(action=AuditAction.CHANGE).latest("id")
    assert entry.actor_name == "admin"
    assert entry.actor_agency_code == "397220000A"
    assert entry.changes == {"phone": {"old": "", "new": "07-7351500"}}


def test_create_is_recorded_and_unchanged_save_is_not(people):
    with acting_as(people["admin"]):
        agency = Agency.objects.create(code="397999000A", name_zh="新機關", kind="first_level")
        before = entries_for(agency).count()
        agency.save()
    assert entries_for(agency).filter(action=AuditAction.CREATE).count() == 1
    assert entries_for(agency).count() == before


def test_entries_cannot_be_edited_or_deleted_through_the_app(people):
    entry = record(AuditAction.EXPORT, people["admin"], actor=people["admin"])
    entry.note = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_database_refuses_updates_too(people):
    entry = record(AuditAction.EXPORT, people["admin"], actor=people["admin"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET note = 'x' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.note == ""


def test_admin_site_offers_no_edit_or_delete(people):
    client = Client()
    people["admin"].is_superuser = True
    people["admin"].save()
    client.force_login(people["admin"])
    entry = record(AuditAction.EXPORT, people["admin"], actor=people["admin"])
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"note": "x"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_audit_page_is_for_administrators_only(people):
    client = Client()
    client.force_login(people["pwb_chief"])
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get("/api/v1/audit-entries/").status_code == 403
    client.force_login(people["admin"])
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get("/api/v1/audit-entries/").status_code == 200


def test_audit_filters_and_export_are_audited(people):
    record(AuditAction.LOGIN, people["pwb_officer"], actor=people["pwb_officer"])
    record(AuditAction.LOGIN, people["epb_officer"], actor=people["epb_officer"])
    client = Client()
    client.force_login(people["admin"])
    response = client.get(reverse("audit:list"), {"actor": "pwb.officer", "action": "login"})
    assert [e.actor_name for e in response.context["object_list"]] == ["pwb.officer"]
    api = client.get("/api/v1/audit-entries/", {"actor": "epb.officer", "action": "login"}).json()
    assert [e["actor_name"] for e in api["results"]] == ["epb.officer"]
    export = client.get(reverse("audit:list"), {"action": "login", "q": "officer", "export": "csv"})
    assert export.status_code == 200
    logged = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor_name="admin").latest("id")
    assert logged.target_type == "audit_entries"
    assert logged.changes["rows"] == 2


def test_bad_dates_in_filters_get_a_clear_message(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["admin"])
    response = client.get(reverse("audit:list"), {"start": "115/13/40"})
    assert response.status_code == 200
    assert "起始日期" in response.content.decode()
    api = client.get("/api/v1/audit-entries/", {"start": "banana"})
    assert api.status_code == 400 and "start" in api.json()
    ok = client.get(reverse("audit:list"), {"start": "民國115年1月1日", "end": "115/12/31"})
    assert ok.context["filter_error"] is None


def test_request_actions_carry_the_actor_and_ip(people, agencies):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(people["admin"])
    client.get("/api/v1/me/")
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN).first()
    assert entry is None or entry.actor_name == "admin"
    response = client.get(reverse("agencies:list"), {"export": "csv"})
    assert response.status_code == 200
    export = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert export.actor_name == "admin"
    assert export.ip_address == "10.1.2.3"
    assert export.request_id == response["X-Request-ID"]


def test_exports_show_roc_dates_in_chinese_and_iso_in_english(people):
    import csv
    import io

    record(AuditAction.LOGIN, people["pwb_officer"], actor=people["pwb_officer"])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["admin"])
    body = client.get(reverse("audit:list"), {"actor": "pwb.officer", "export": "csv"})
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[0][0] == "時間"
    assert re.fullmatch(r"\d{3}/\d{2}/\d{2} \d{2}:\d{2}", rows[1][0])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["admin"])
    body = client.get(reverse("audit:list"), {"actor": "pwb.officer", "export": "csv"})
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", rows[1][0])
