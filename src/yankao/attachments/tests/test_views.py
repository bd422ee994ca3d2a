"""The page endpoints and the panel other apps include: download, upload, remove."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from yankao.agencies.models import User
from yankao.attachments.models import Attachment
from yankao.attachments.services import attach
from yankao.audit.models import AuditAction, AuditEntry

from .samples import JPEG, PDF, PNG, upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def road_photo(people, person_owner) -> Attachment:
    officer = people["road_officer"]
    return attach(officer, upload("路面坑洞.jpg", JPEG), officer, caption="現場照片")


def upload_data(owner, name: str, content: bytes, **extra) -> dict:
    return {
        "owner_type": "agencies.user",
        "owner_id": str(owner.pk),
        "file": upload(name, content),
        **extra,
    }


# --- Download --------------------------------------------------------------------------------


def test_download_serves_the_file_under_its_chinese_name(road_photo, people, client_for):
    response = client_for(people["pwb_chief"]).get(
        reverse("attachments:download", args=[road_photo.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('路面坑洞.jpg')}" in disposition
    assert "sandbox" in response["Content-Security-Policy"]
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert entry.target_id == str(road_photo.pk)
    assert entry.actor == people["pwb_chief"]
    assert entry.changes["via"] == "web"


def test_photos_may_be_shown_inline_documents_never(people, person_owner, client_for):
    officer = people["pwb_officer"]
    photo = attach(officer, upload("a.png", PNG), officer)
    document = attach(officer, upload("b.pdf", PDF), officer)
    client = client_for(officer)
    shown = client.get(reverse("attachments:download", args=[photo.pk]) + "?inline=1")
    assert shown["Content-Disposition"].startswith("inline;")
    kept = client.get(reverse("attachments:download", args=[document.pk]) + "?inline=1")
    assert kept["Content-Disposition"].startswith("attachment;")


def test_other_agency_gets_404_not_403(road_photo, people, client_for):
    for who in ("epb_officer", "pwb_officer"):
        response = client_for(people[who]).get(
            reverse("attachments:download", args=[road_photo.pk])
        )
        assert response.status_code == 404, who
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_removed_attachment_is_404(road_photo, people, client_for):
    client = client_for(people["road_officer"])
    response = client.post(reverse("attachments:remove", args=[road_photo.pk]), **HTMX)
    assert response.status_code == 200
    assert "路面坑洞.jpg" not in response.content.decode()
    assert client.get(reverse("attachments:download", args=[road_photo.pk])).status_code == 404


def test_login_required(road_photo, client):
    response = client.get(reverse("attachments:download", args=[road_photo.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.post(reverse("attachments:upload")).status_code == 302


# --- Upload ----------------------------------------------------------------------------------


def test_htmx_upload_returns_the_refreshed_panel(people, person_owner, client_for):
    officer = people["road_officer"]
    response = client_for(officer).post(
        reverse("attachments:upload"),
        upload_data(officer, "巡查照片.png", PNG, caption="北側", next="/agencies/"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="attachments-agencies-user-{officer.pk}"' in html
    assert "巡查照片.png" in html and "北側" in html
    assert "<html" not in html  # a partial, not a page
    attachment = Attachment.objects.get()
    assert (attachment.caption, attachment.uploaded_by) == ("北側", officer)


def test_htmx_upload_error_redraws_the_form_with_the_message(people, person_owner, client_for):
    officer = people["road_officer"]
    response = client_for(officer).post(
        reverse("attachments:upload"), upload_data(officer, "photo.jpg", PDF), **HTMX
    )
    assert response.status_code == 200  # htmx swaps only successful responses
    html = response.content.decode()
    assert "Attachment: the file name ends in .jpg but the content is a PDF document." in html
    assert 'aria-invalid="true"' in html
    assert not Attachment.objects.exists()


def test_plain_post_redirects_to_next_or_shows_a_page_with_errors(people, person_owner, client_for):
    officer = people["road_officer"]
    client = client_for(officer)
    ok = client.post(
        reverse("attachments:upload"), upload_data(officer, "a.png", PNG, next="/agencies/")
    )
    assert (ok.status_code, ok["Location"]) == (302, "/agencies/")
    offsite = client.post(
        reverse("attachments:upload"),
        upload_data(officer, "b.png", PNG, next="https://evil.example/"),
    )
    assert offsite["Location"] == reverse("home")
    bad = client.post(reverse("attachments:upload"), upload_data(officer, "c.jpg", PDF))
    assert bad.status_code == 400
    assert "Attachment: the file name ends in .jpg" in bad.content.decode()
    assert "<html" in bad.content.decode()


def test_upload_to_invisible_owner_is_404(people, person_owner, client_for):
    response = client_for(people["epb_officer"]).post(
        reverse("attachments:upload"), upload_data(people["road_officer"], "a.png", PNG)
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_upload_by_viewer_is_forbidden(people, person_owner, make_user, client_for):
    viewer = make_user("road.viewer", "viewer", "road")
    response = client_for(viewer).post(
        reverse("attachments:upload"), upload_data(people["road_officer"], "a.png", PNG)
    )
    assert response.status_code == 403


def test_remove_by_other_agency_is_404_and_by_viewer_403(road_photo, people, make_user, client_for):
    url = reverse("attachments:remove", args=[road_photo.pk])
    assert client_for(people["epb_officer"]).post(url).status_code == 404
    viewer = make_user("road.viewer", "viewer", "road")
    assert client_for(viewer).post(url).status_code == 403
    road_photo.refresh_from_db()
    assert road_photo.removed_at is None


# --- The panel other apps include ------------------------------------------------------------


def render_panel(user, owner) -> str:
    request = RequestFactory().get("/cases/1/")
    request.user = user
    template = Template('{% include "attachments/_list.html" with owner=record %}')
    return template.render(RequestContext(request, {"record": owner}))


def test_included_panel_lists_files_and_offers_the_form(road_photo, people):
    html = render_panel(people["pwb_chief"], people["road_officer"])
    assert "路面坑洞.jpg" in html and "現場照片" in html
    assert reverse("attachments:download", args=[road_photo.pk]) in html
    assert 'name="owner_type" value="agencies.user"' in html
    assert f'name="owner_id" value="{people["road_officer"].pk}"' in html
    assert 'value="/cases/1/"' in html  # back to the including page without JavaScript
    assert reverse("attachments:remove", args=[road_photo.pk]) in html
    assert html.count('name="csrfmiddlewaretoken"') == 2  # works without JavaScript too
    assert "Accepted: JPG, PNG, GIF, WEBP, HEIC, PDF, DOCX, XLSX, ODT, ODS, TXT, CSV." in html


def test_included_panel_is_empty_for_users_who_may_not_see_the_owner(road_photo, people):
    assert render_panel(people["epb_officer"], people["road_officer"]).strip() == ""


def test_viewer_sees_the_list_without_form_or_remove_button(road_photo, people, make_user):
    viewer = make_user("road.viewer", "viewer", "road")
    html = render_panel(viewer, people["road_officer"])
    assert "路面坑洞.jpg" in html
    assert reverse("attachments:upload") not in html
    assert reverse("attachments:remove", args=[road_photo.pk]) not in html


def test_admin_lists_read_only(road_photo, client_for, agencies):
    root = User.objects.create_superuser("root", "root@example.org", "x-unused-9", agency=None)
    client = client_for(root)
    changelist = client.get(reverse("admin:attachments_attachment_changelist"))
    assert changelist.status_code == 200
    assert "路面坑洞.jpg" in changelist.content.decode()
    change = client.get(reverse("admin:attachments_attachment_change", args=[road_photo.pk]))
    assert change.status_code == 200
    assert reverse("attachments:download", args=[road_photo.pk]) in change.content.decode()
    assert 'name="file"' not in change.content.decode()
    delete = client.post(reverse("admin:attachments_attachment_delete", args=[road_photo.pk]))
    assert delete.status_code == 403
    assert Attachment.objects.filter(pk=road_photo.pk).exists()
