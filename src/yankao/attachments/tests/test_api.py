"""The API: scoped list, multipart upload with field-named 400s, detail, download, remove."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from yankao.attachments.models import Attachment
from yankao.attachments.services import attach
from yankao.audit.models import AuditAction, AuditEntry

from .samples import ELF, JPEG, PNG, upload

pytestmark = pytest.mark.django_db

LIST = "/api/v1/attachments/"


def detail(attachment: Attachment) -> str:
    return f"{LIST}{attachment.pk}/"


@pytest.fixture
def api_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def road_photo(people, person_owner) -> Attachment:
    officer = people["road_officer"]
    return attach(officer, upload("路面坑洞.jpg", JPEG), officer)


@pytest.fixture
def epb_photo(people, person_owner) -> Attachment:
    officer = people["epb_officer"]
    return attach(officer, upload("河川.png", PNG), officer)


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_without_filter_shows_only_visible_owners(road_photo, epb_photo, people, api_for):
    assert ids(api_for(people["road_officer"]).get(LIST)) == {str(road_photo.pk)}
    assert ids(api_for(people["pwb_chief"]).get(LIST)) == {str(road_photo.pk)}
    assert ids(api_for(people["epb_officer"]).get(LIST)) == {str(epb_photo.pk)}
    assert ids(api_for(people["admin"]).get(LIST)) == {str(road_photo.pk), str(epb_photo.pk)}


def test_list_by_owner(road_photo, epb_photo, people, api_for):
    road = people["road_officer"]
    params = {"owner_type": "agencies.user", "owner_id": road.pk}
    assert ids(api_for(people["pwb_chief"]).get(LIST, params)) == {str(road_photo.pk)}
    by_type = api_for(people["admin"]).get(LIST, {"owner_type": "agencies.user"})
    assert ids(by_type) == {str(road_photo.pk), str(epb_photo.pk)}


def test_list_of_another_agencys_owner_is_404(road_photo, people, api_for):
    params = {"owner_type": "agencies.user", "owner_id": people["road_officer"].pk}
    assert api_for(people["epb_officer"]).get(LIST, params).status_code == 404
    missing = {"owner_type": "agencies.user", "owner_id": 999999}
    assert api_for(people["admin"]).get(LIST, missing).status_code == 404


def test_list_filter_errors_name_the_parameter(people, person_owner, api_for):
    client = api_for(people["admin"])
    assert client.get(LIST, {"owner_id": 1}).json() == {
        "owner_type": ["Give owner_type together with owner_id."]
    }
    unknown = client.get(LIST, {"owner_type": "auth.group"})
    assert unknown.status_code == 400
    assert "owner_type" in unknown.json()


def test_detail_and_download_are_404_for_other_agencies(road_photo, people, api_for):
    epb = api_for(people["epb_officer"])
    assert epb.get(detail(road_photo)).status_code == 404
    assert epb.get(f"{detail(road_photo)}download/").status_code == 404
    assert epb.delete(detail(road_photo)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_detail_fields(road_photo, people, api_for):
    body = api_for(people["pwb_chief"]).get(detail(road_photo)).json()
    assert body["owner_type"] == "agencies.user"
    assert body["owner_id"] == str(people["road_officer"].pk)
    assert body["original_name"] == "路面坑洞.jpg"
    assert (body["mime_type"], body["kind"], body["size"]) == ("image/jpeg", "photo", len(JPEG))
    assert body["uploaded_by"] == "road.officer"
    assert body["download_url"].endswith(f"{detail(road_photo)}download/")


def test_download_whatever_the_client_accepts(road_photo, people, api_for):
    response = api_for(people["pwb_chief"]).get(
        f"{detail(road_photo)}download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert (entry.actor, entry.changes["via"]) == (people["pwb_chief"], "api")


def test_upload(people, person_owner, api_for):
    officer = people["road_officer"]
    response = api_for(officer).post(
        LIST,
        {
            "owner_type": "agencies.user",
            "owner_id": officer.pk,
            "file": upload("圖.png", PNG),
            "caption": "說明",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["caption"], body["kind"]) == ("圖.png", "說明", "photo")
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.owner == officer
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_id=str(attachment.pk)
    ).exists()


def test_upload_errors_are_400_with_field_names(people, person_owner, api_for):
    officer = people["road_officer"]
    client = api_for(officer)
    bad_file = client.post(
        LIST,
        {"owner_type": "agencies.user", "owner_id": officer.pk, "file": upload("a.jpg", ELF)},
        format="multipart",
    )
    assert bad_file.status_code == 400
    (message,) = bad_file.json()["file"]
    assert message.startswith("Attachment: the content of this file is a program")
    missing = client.post(LIST, {"file": upload("a.png", PNG)}, format="multipart")
    assert missing.status_code == 400
    assert set(missing.json()) == {"owner_type", "owner_id"}
    assert not Attachment.objects.exists()


def test_upload_to_invisible_owner_is_refused(people, person_owner, api_for):
    response = api_for(people["epb_officer"]).post(
        LIST,
        {
            "owner_type": "agencies.user",
            "owner_id": people["road_officer"].pk,
            "file": upload("a.png", PNG),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["owner_id"]
    assert not Attachment.objects.exists()


def test_delete_is_a_soft_remove(road_photo, people, make_user, api_for):
    viewer = make_user("road.viewer", "viewer", "road")
    assert api_for(viewer).delete(detail(road_photo)).status_code == 403
    chief = api_for(people["pwb_chief"])
    assert chief.delete(detail(road_photo)).status_code == 204
    road_photo.refresh_from_db()
    assert road_photo.removed_by == people["pwb_chief"]
    assert chief.get(detail(road_photo)).status_code == 404
    assert ids(chief.get(LIST)) == set()
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, target_id=str(road_photo.pk)
    ).exists()


def test_anonymous_is_refused(road_photo):
    response = APIClient().get(LIST)
    assert response.status_code in (401, 403)


def test_upload_by_viewer_is_forbidden(people, person_owner, make_user, api_for):
    viewer = make_user("road.viewer", "viewer", "road")
    response = api_for(viewer).post(
        LIST,
        {
            "owner_type": "agencies.user",
            "owner_id": people["road_officer"].pk,
            "file": upload("a.png", PNG),
        },
        format="multipart",
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()
