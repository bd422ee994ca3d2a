"""attach / remove / visibility through the owner's scope, audit entries, all-or-nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command

from yankao.agencies.models import Agency, User
from yankao.agencies.services import set_roles
from yankao.attachments import services
from yankao.attachments.models import Attachment
from yankao.attachments.services import (
    _owner_key_expression,
    attach,
    attachments_for,
    can_attach,
    can_remove,
    can_view,
    open_for_download,
    orphaned_files,
    owner_key,
    register_owner,
    remove,
    visible_attachments,
)
from yankao.audit.models import AuditAction, AuditEntry

from .samples import JPEG, PDF, PNG, upload

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def entries(action: str, attachment: Attachment) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, target_type="attachments.attachment", target_id=str(attachment.pk)
        )
    )


@pytest.fixture
def road_photo(people, person_owner) -> Attachment:
    """A photo on the road officer's person record, uploaded by the officer."""
    officer = people["road_officer"]
    return attach(officer, upload("路面坑洞.jpg", JPEG), officer, caption="現場照片")


# --- Storing ---------------------------------------------------------------------------------


def test_attach_stores_under_a_generated_name(people, person_owner, media_root):
    officer = people["pwb_officer"]
    attachment = attach(officer, upload("秘密報告-機密.pdf", PDF), officer)
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f-]{36}\.pdf", attachment.file.name)
    assert str(attachment.pk) in attachment.file.name
    assert "秘密" not in attachment.file.name and "機密" not in attachment.file.name
    assert (media_root / attachment.file.name).read_bytes() == PDF
    attachment.refresh_from_db()
    assert attachment.original_name == "秘密報告-機密.pdf"
    assert (attachment.mime_type, attachment.kind, attachment.size) == (
        "application/pdf",
        "document",
        len(PDF),
    )
    assert attachment.owner == officer
    assert attachment.uploaded_by == officer


def test_path_traversal_names_are_harmless(people, person_owner, media_root, tmp_path):
    officer = people["pwb_officer"]
    attachment = attach(officer, upload("../../etc/passwd.jpg", JPEG), officer)
    assert attachment.original_name == "passwd.jpg"
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    files = stored_files(tmp_path)
    assert files == [media_root / attachment.file.name]


def test_attach_writes_one_create_entry(road_photo, people):
    (entry,) = entries(AuditAction.CREATE, road_photo)
    assert entry.actor == people["road_officer"]
    assert entry.actor_agency_code == people["road_officer"].agency.code
    assert entry.changes["owner_type"] == "agencies.user"
    assert entry.changes["owner_id"] == str(people["road_officer"].pk)
    assert entry.changes["sha256"] == road_photo.sha256
    assert AuditEntry.objects.filter(target_type="attachments.attachment").count() == 1


def test_refused_upload_leaves_nothing(people, person_owner, media_root):
    officer = people["pwb_officer"]
    with pytest.raises(ValidationError):
        attach(officer, upload("photo.jpg", PDF), officer)
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_failing_database_save_leaves_no_file_and_no_row(
    people, person_owner, media_root, monkeypatch
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attachment, "save", broken_save)
    officer = people["pwb_officer"]
    with pytest.raises(RuntimeError):
        attach(officer, upload("a.png", PNG), officer)
    assert stored_files(media_root) == []
    assert not Attachment.objects.exists()


def test_failing_audit_entry_rolls_back_row_and_file(people, person_owner, media_root, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "record", broken_record)
    officer = people["pwb_officer"]
    with pytest.raises(RuntimeError):
        attach(officer, upload("a.png", PNG), officer)
    assert stored_files(media_root) == []
    assert not Attachment.objects.exists()


def test_caption_is_checked(people, person_owner):
    officer = people["pwb_officer"]
    with pytest.raises(ValidationError) as caught:
        attach(officer, upload("a.png", PNG), officer, caption="長" * 201)
    assert caught.value.message_dict["caption"] == [
        "Caption: at most 200 characters, this one has 201."
    ]


def test_unregistered_owner_is_a_programming_error(people):
    officer = people["pwb_officer"]
    with pytest.raises(ImproperlyConfigured):
        attach(officer, upload("a.png", PNG), officer)


def test_owner_model_must_be_scoped():
    with pytest.raises(ImproperlyConfigured, match="scope_line"):
        register_owner(Agency)


# --- Who sees what ---------------------------------------------------------------------------


def test_other_agency_cannot_view_or_attach(road_photo, people):
    epb = people["epb_officer"]
    assert not can_view(epb, road_photo)
    assert not can_attach(epb, people["road_officer"])
    assert road_photo not in visible_attachments(epb)
    assert not attachments_for(people["road_officer"], epb).exists()
    with pytest.raises(Attachment.DoesNotExist):
        open_for_download(road_photo, epb)
    with pytest.raises(PermissionDenied):
        attach(people["road_officer"], upload("x.png", PNG), epb)


def test_parent_agency_officer_without_supervisor_role_cannot_view(road_photo, people):
    assert not can_view(people["pwb_officer"], road_photo)


def test_supervisor_of_parent_agency_sees_second_level_agency(road_photo, people):
    chief = people["pwb_chief"]
    assert can_view(chief, road_photo)
    assert list(attachments_for(people["road_officer"], chief)) == [road_photo]
    assert list(visible_attachments(chief)) == [road_photo]


def test_viewer_may_see_but_not_attach(people, person_owner, make_user):
    viewer = make_user("road.viewer", "viewer", "road")
    owner = people["road_officer"]
    assert can_attach(owner, owner)
    assert not can_attach(viewer, owner)
    with pytest.raises(PermissionDenied):
        attach(owner, upload("x.png", PNG), viewer)


def test_visible_attachments_filters_per_owner(people, person_owner):
    officer, epb = people["road_officer"], people["epb_officer"]
    mine = attach(officer, upload("a.png", PNG), officer)
    theirs = attach(epb, upload("b.png", PNG), epb)
    assert list(visible_attachments(officer)) == [mine]
    assert list(visible_attachments(epb)) == [theirs]
    assert set(visible_attachments(people["admin"])) == {mine, theirs}


def test_nothing_is_visible_without_registered_owners(road_photo, people):
    services.unregister_owner(User)
    assert not visible_attachments(people["admin"]).exists()
    assert not can_view(people["admin"], road_photo)


def test_download_writes_an_audit_entry(road_photo, people):
    chief = people["pwb_chief"]
    with open_for_download(road_photo, chief, via="api") as handle:
        assert handle.read() == JPEG
    (entry,) = entries(AuditAction.DOWNLOAD, road_photo)
    assert entry.actor == chief
    assert entry.changes["via"] == "api"


# --- Removing --------------------------------------------------------------------------------


def test_remove_is_soft_and_audited(road_photo, people, media_root):
    chief = people["pwb_chief"]
    remove(road_photo, chief)
    road_photo.refresh_from_db()
    assert road_photo.removed_at is not None
    assert road_photo.removed_by == chief
    assert (media_root / road_photo.file.name).exists()
    assert not attachments_for(people["road_officer"], chief).exists()
    assert not visible_attachments(people["admin"]).exists()
    assert not can_view(people["admin"], road_photo)
    with pytest.raises(Attachment.DoesNotExist):
        open_for_download(road_photo, people["admin"])
    (entry,) = entries(AuditAction.DELETE, road_photo)
    assert entry.changes["soft"] is True


def test_only_uploader_or_writers_may_remove(road_photo, people, make_user):
    viewer = make_user("road.viewer", "viewer", "road")
    assert can_view(viewer, road_photo)
    assert not can_remove(viewer, road_photo)
    with pytest.raises(PermissionDenied):
        remove(road_photo, viewer)
    set_roles(people["road_officer"], ["viewer"])
    assert can_remove(people["road_officer"], road_photo)  # still the uploader


def test_attachments_are_never_deleted(road_photo):
    with pytest.raises(Exception, match="never deleted"):
        road_photo.delete()
    with pytest.raises(Exception, match="never deleted"):
        Attachment.objects.all().delete()
    assert Attachment.objects.count() == 1


# --- Keys and housekeeping -------------------------------------------------------------------


def test_uuid_keys_match_between_python_and_sql(road_photo):
    """The subquery form of a UUID key equals the stored form (checked on a UUID-keyed model)."""
    in_sql = Attachment.objects.annotate(k=_owner_key_expression(Attachment)).values_list(
        "k", flat=True
    )
    assert list(in_sql) == [owner_key(Attachment, road_photo.pk)]
    assert owner_key(Attachment, str(road_photo.pk)) == road_photo.pk.hex


def test_orphaned_files_are_found(road_photo, media_root, capsys):
    orphan = media_root / "attachments" / "2020" / "01" / "left-behind.jpg"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(JPEG)
    old = (dt.datetime.now() - dt.timedelta(days=3)).timestamp()
    os.utime(orphan, (old, old))
    os.utime(media_root / road_photo.file.name, (old, old))
    assert orphaned_files() == ["attachments/2020/01/left-behind.jpg"]
    call_command("attachment_orphans", "--delete")
    assert not orphan.exists()
    assert default_storage.exists(road_photo.file.name)
    assert "attachments/2020/01/left-behind.jpg" in capsys.readouterr().out
