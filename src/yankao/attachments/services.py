"""The public interface of attachments: who may see and add them, checking uploads, storing.

Business areas register the models that may own attachments (`register_owner`). An attachment
is visible exactly when its owning record is, as decided by `agencies.services.scope_queryset`
on the owner's model, so an agency never reaches another agency's files.

Upload rule (decided here, enforced by `validate_upload`):

1. The type is taken from the content only: magic numbers (the `filetype` library), the zip
   directory for Office/OpenDocument files, and for text a strict UTF-8 (BOM allowed) or Big5
   decode with no NUL bytes. Images are also opened with Pillow.
2. The detected type must be one of `YANKAO_ATTACHMENT_TYPES`.
3. The file name's extension must be one of the extensions of the detected type (`.jpg` and
   `.jpeg` are both a JPEG). A mismatch is refused, not silently corrected: a PNG named
   `scan.pdf` is refused with a message saying the name claims one type and the content is
   another, so nobody later opens "a PDF" that is really something else. A name without an
   extension is accepted and gets the detected type's extension.
4. The stored file name is generated (`attachments/YYYY/MM/<uuid>.<ext>`); the uploader's name
   is kept, sanitised, only as text for display and as the download name.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.functions import Cast, Replace
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yankao.agencies.services import can_write, scope_queryset
from yankao.audit.services import AuditAction, record

from .models import Attachment, AttachmentKind, AttachmentQuerySet

# --- Types, extensions and labels ----------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
ZIP = "application/zip"
TEXT = "text/plain"
CSV = "text/csv"

# Accepted extensions per type; the first is the one stored files get.
TYPE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "image/tiff": ("tif", "tiff"),
    "application/pdf": ("pdf",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    ODT: ("odt",),
    ODS: ("ods",),
    ODP: ("odp",),
    TEXT: ("txt",),
    CSV: ("csv",),
}

# Detected names that are the same format as an accepted one.
TYPE_ALIASES = {"image/apng": "image/png"}

TYPE_LABELS: dict[str, Promise] = {
    "image/jpeg": gettext_lazy("a JPEG image"),
    "image/png": gettext_lazy("a PNG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "image/webp": gettext_lazy("a WebP image"),
    "image/heic": gettext_lazy("a HEIC photo"),
    "image/tiff": gettext_lazy("a TIFF image"),
    "application/pdf": gettext_lazy("a PDF document"),
    DOCX: gettext_lazy("a Word document (DOCX)"),
    XLSX: gettext_lazy("an Excel workbook (XLSX)"),
    PPTX: gettext_lazy("a PowerPoint presentation (PPTX)"),
    ODT: gettext_lazy("an OpenDocument text (ODT)"),
    ODS: gettext_lazy("an OpenDocument spreadsheet (ODS)"),
    ODP: gettext_lazy("an OpenDocument presentation (ODP)"),
    DOCM: gettext_lazy("a Word document with macros"),
    XLSM: gettext_lazy("an Excel workbook with macros"),
    PPTM: gettext_lazy("a PowerPoint presentation with macros"),
    TEXT: gettext_lazy("plain text"),
    CSV: gettext_lazy("CSV text"),
    ZIP: gettext_lazy("a ZIP archive"),
    "application/x-msdownload": gettext_lazy("a Windows program"),
    "application/x-executable": gettext_lazy("a program (ELF executable)"),
    "application/msword": gettext_lazy("an old Word document (DOC)"),
    "application/vnd.ms-excel": gettext_lazy("an old Excel workbook (XLS)"),
}

# Pillow's names for the image types it can verify (MPO is the multi-picture JPEG of phones).
PILLOW_FORMATS: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({"JPEG", "MPO"}),
    "image/png": frozenset({"PNG"}),
    "image/gif": frozenset({"GIF"}),
    "image/webp": frozenset({"WEBP"}),
    "image/tiff": frozenset({"TIFF"}),
}

TEXT_ENCODINGS = ("utf-8", "cp950")  # UTF-8 (a BOM is valid UTF-8), then Big5 as Windows writes it
HEAD_BYTES = 64 * 1024
ZIP_MEMBER_READ_LIMIT = 1024 * 1024
NAME_MAX_LENGTH = 200
CAPTION_MAX_LENGTH = 200


def allowed_types() -> list[str]:
    return list(settings.YANKAO_ATTACHMENT_TYPES)


def max_bytes() -> int:
    return int(settings.YANKAO_ATTACHMENT_MAX_BYTES)


def extensions_for(mime_type: str) -> tuple[str, ...]:
    """Extensions a file of this type may carry; known table first, then `filetype`'s."""
    if mime_type in TYPE_EXTENSIONS:
        return TYPE_EXTENSIONS[mime_type]
    kind = filetype.get_type(mime=mime_type)
    return (kind.extension,) if kind is not None else ()


def accepted_extensions(*, main_only: bool = False) -> list[str]:
    """Extensions an accepted file may have: all for the form's `accept`, the main one of
    each type for messages (JPG rather than JPG, JPEG, JPE, JFIF)."""
    found: list[str] = []
    for mime in allowed_types():
        extensions = extensions_for(mime)[:1] if main_only else extensions_for(mime)
        found.extend(ext for ext in extensions if ext not in found)
    return found


def type_label(mime_type: str) -> str:
    return str(TYPE_LABELS.get(mime_type, mime_type))


def kind_for(mime_type: str) -> str:
    return AttachmentKind.PHOTO if mime_type.startswith("image/") else AttachmentKind.DOCUMENT


def format_size(n: int, *, round_up: bool = False) -> str:
    """`12.3 MB`, `800 KB`, `512 B`. Sizes over a limit round up so they never print as equal."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            value = n / factor
            value = math.ceil(value * 10) / 10 if round_up else round(value, 1)
            text = f"{value:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    return f"{n} B"


# --- Owners ----------------------------------------------------------------------------------

_owners: dict[str, type[models.Model]] = {}


class OwnerNotFound(LookupError):
    """No such owner type or record, or the user may not see it: callers answer 404 for all."""


def _pk_field(model: type[models.Model]) -> models.Field[Any, Any]:
    field = model._meta.pk
    while isinstance(field, models.ForeignKey):  # multi-table inheritance: parent's key
        field = field.target_field
    assert field is not None
    return field


def register_owner(model: type[models.Model]) -> type[models.Model]:
    """Let records of `model` own attachments. Usable as a class decorator.

    The model must be a scoped record (`scope_line`, `scope_agency_fields`) because an
    attachment's visibility is its owner's. Keys may be integers, UUIDs or text.
    """
    concrete = model._meta.concrete_model
    assert concrete is not None
    if not getattr(concrete, "scope_line", None) or not getattr(
        concrete, "scope_agency_fields", None
    ):
        raise ImproperlyConfigured(
            f"{concrete._meta.label} cannot own attachments: it declares no scope_line and "
            "scope_agency_fields, so nobody could tell who may see its files."
        )
    pk = _pk_field(concrete)
    if not isinstance(pk, models.IntegerField | models.UUIDField | models.CharField):
        raise ImproperlyConfigured(
            f"{concrete._meta.label} cannot own attachments: its key is a {type(pk).__name__}."
        )
    _owners[concrete._meta.label_lower] = concrete
    return model


def unregister_owner(model: type[models.Model]) -> None:
    """For tests: undo `register_owner`."""
    concrete = model._meta.concrete_model
    assert concrete is not None
    _owners.pop(concrete._meta.label_lower, None)


def owner_models() -> list[type[models.Model]]:
    return list(_owners.values())


def owner_type_of(owner: models.Model | type[models.Model]) -> str:
    """`app_label.model` of an owner or owner model."""
    concrete = owner._meta.concrete_model
    assert concrete is not None
    return concrete._meta.label_lower


def owner_model(owner_type: str) -> type[models.Model] | None:
    return _owners.get(owner_type.strip().lower())


def is_owner(owner: models.Model | type[models.Model]) -> bool:
    return owner_type_of(owner) in _owners


def owner_key(model: type[models.Model], pk: Any) -> str:
    """The text stored in `Attachment.object_id` for an owner key.

    UUIDs are stored as 32 hex digits because that is the one text form both SQLite and
    PostgreSQL can produce from the key column (see `_owner_key_expression`). Raises
    ValidationError when `pk` is not a valid key for the model.
    """
    field = _pk_field(model)
    value = field.to_python(pk)
    if value is None or value == "":
        raise ValidationError("empty key")
    if isinstance(field, models.UUIDField):
        return value.hex
    return str(value)


def owner_key_of(owner: models.Model) -> str:
    return owner_key(type(owner), owner.pk)


def _owner_key_expression(model: type[models.Model]) -> models.Expression | models.F:
    """SQL that turns the owner's key column into `owner_key` text, for subqueries."""
    field = _pk_field(model)
    if isinstance(field, models.IntegerField):
        return Cast("pk", output_field=models.CharField())
    if isinstance(field, models.UUIDField):
        return Replace(Cast("pk", output_field=models.CharField()), models.Value("-"))
    return models.F("pk")


def visible_owners(model: type[models.Model], user: Any) -> models.QuerySet[Any]:
    return scope_queryset(model._default_manager.all(), user)


def resolve_owner(owner_type: str, owner_id: Any, user: Any) -> models.Model:
    """The owner record named by type and id, if it is registered and the user may see it."""
    model = owner_model(owner_type or "")
    if model is None:
        raise OwnerNotFound(owner_type)
    try:
        key = _pk_field(model).to_python(owner_id)
        found = None if key in (None, "") else visible_owners(model, user).filter(pk=key).first()
    except (ValidationError, ValueError, TypeError) as exc:
        raise OwnerNotFound(owner_id) from exc
    if found is None:
        raise OwnerNotFound(owner_id)
    return found


def can_see_owner(user: Any, owner: models.Model) -> bool:
    if not is_owner(owner) or owner.pk is None:
        return False
    model = owner_model(owner_type_of(owner))
    assert model is not None
    return visible_owners(model, user).filter(pk=owner.pk).exists()


# --- Permissions -----------------------------------------------------------------------------


def _owner_model_of(attachment: Attachment) -> type[models.Model] | None:
    ct = ContentType.objects.get_for_id(attachment.content_type_id)
    return owner_model(f"{ct.app_label}.{ct.model}")


def can_view(user: Any, attachment: Attachment) -> bool:
    """The user may see the owning record, and the attachment has not been removed."""
    if attachment.removed_at is not None:
        return False
    model = _owner_model_of(attachment)
    if model is None:
        return False
    try:
        key = _pk_field(model).to_python(attachment.object_id)
    except ValidationError:
        return False
    return visible_owners(model, user).filter(pk=key).exists()


def can_attach(user: Any, owner: models.Model) -> bool:
    """The user may see the owner and may write for its business line."""
    return can_see_owner(user, owner) and can_write(user, type(owner).scope_line)  # type: ignore[attr-defined]


def can_remove(user: Any, attachment: Attachment) -> bool:
    """Who may see it and either uploaded it or may write for the owner's line."""
    if not can_view(user, attachment):
        return False
    model = _owner_model_of(attachment)
    assert model is not None
    return attachment.uploaded_by_id == user.pk or can_write(user, model.scope_line)  # type: ignore[attr-defined]


# --- Listing ---------------------------------------------------------------------------------


def attachments_for(owner: models.Model, user: Any) -> AttachmentQuerySet:
    """The owner's present attachments, or none when the user may not see the owner."""
    if not can_see_owner(user, owner):
        return Attachment.objects.none()
    return Attachment.objects.present().filter(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner_key_of(owner),
    )


def visible_attachments(user: Any) -> AttachmentQuerySet:
    """Every present attachment whose owner the user may see, in one query.

    Per registered owner type, a subquery of the owner keys `scope_queryset` lets through.
    """
    conditions = []
    for model in _owners.values():
        keys = (
            visible_owners(model, user)
            .order_by()
            .annotate(_attachment_key=_owner_key_expression(model))
            .values("_attachment_key")
        )
        conditions.append(
            models.Q(content_type=ContentType.objects.get_for_model(model), object_id__in=keys)
        )
    if not conditions:
        return Attachment.objects.none()
    return Attachment.objects.present().filter(reduce(or_, conditions))


# --- Checking an upload ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    """What `validate_upload` found out about a file, all from its content."""

    original_name: str
    extension: str
    mime_type: str
    kind: str
    size: int
    sha256: str


def _invalid(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({"file": ValidationError(message % params, code=code)})


def sanitize_name(name: str | None) -> str:
    """A display name safe anywhere: no directories, control or bidi characters, or `<>:"|?*`."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in {"C"})
    text = re.sub(r'[<>:"|?*]', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if len(text) > NAME_MAX_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = f"{stem[: NAME_MAX_LENGTH - len(extension) - 1]}.{extension}"
        else:
            text = text[:NAME_MAX_LENGTH]
    return text


def _extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
        return ""
    return extension.lower()


def _chunks(file: File) -> Iterator[bytes]:
    file.seek(0)
    yield from file.chunks()


def _zip_type(file: File) -> str | None:
    """Office and OpenDocument files are zips: read the directory, not byte heuristics."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(200).decode("ascii", "replace").strip()
                if declared in {ODT, ODS, ODP}:
                    return declared
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    manifest = member.read(ZIP_MEMBER_READ_LIMIT)
                macros = b"macroEnabled" in manifest or any(
                    n.endswith("vbaProject.bin") for n in names
                )
                for prefix, plain, with_macros in (
                    ("word/", DOCX, DOCM),
                    ("xl/", XLSX, XLSM),
                    ("ppt/", PPTX, PPTM),
                ):
                    if any(n.startswith(prefix) for n in names):
                        return with_macros if macros else plain
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    return ZIP


def _text_encoding(file: File) -> str | None:
    """The encoding that decodes the whole file strictly, or None (also for any NUL byte)."""
    for encoding in TEXT_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            for chunk in _chunks(file):
                if b"\x00" in chunk:
                    return None
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def _image_opens(file: File, mime_type: str) -> bool:
    """Pillow reads the header and checks the structure; a bomb-sized image counts as broken."""
    from PIL import Image

    expected = PILLOW_FORMATS.get(mime_type)
    if expected is None:  # e.g. HEIC: Pillow has no reader here, the magic check stands alone
        return True
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                found = image.format
                image.verify()
    except Exception:  # Pillow raises many kinds for broken files; any of them means "broken"
        return False
    return found in expected


def _detect(file: File, extension: str) -> tuple[str | None, str]:
    """(type, reason) from the content. Reason is "binary" or "encoding" when type is None."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if isinstance(head, str):
        head = head.encode()
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(file) or ZIP, ""
    guess = filetype.guess(head)
    if guess is not None:
        return TYPE_ALIASES.get(guess.mime, guess.mime), ""
    if b"\x00" in head:
        return None, "binary"
    if _text_encoding(file) is None:
        return None, "encoding"
    return (CSV if extension == "csv" else TEXT), ""


def validate_upload(file: File) -> CheckedUpload:
    """Check size and type (from the content) of an uploaded file; see the module docstring.

    Raises ValidationError keyed by "file" with a message that names the field.
    """
    allowed = allowed_types()
    accepted = ", ".join(ext.upper() for ext in accepted_extensions(main_only=True))
    name = sanitize_name(getattr(file, "name", "")) or "attachment"
    extension = _extension_of(name)

    size = file.size
    limit = max_bytes()
    if not size:
        raise _invalid(_("Attachment: the file is empty."), "empty")
    if size > limit:
        raise _invalid(
            _("Attachment: the file is %(size)s, larger than the limit of %(limit)s."),
            "too_large",
            size=format_size(size, round_up=True),
            limit=format_size(limit),
        )

    mime_type, reason = _detect(file, extension)
    if mime_type is None:
        if reason == "encoding" and (TEXT in allowed or CSV in allowed):
            raise _invalid(
                _(
                    "Attachment: the text is neither UTF-8 nor Big5; save it as UTF-8 and "
                    "upload it again."
                ),
                "text_encoding",
            )
        raise _invalid(
            _(
                "Attachment: the content of this file is not of any accepted type "
                "(accepted: %(accepted)s)."
            ),
            "unknown_type",
            accepted=accepted,
        )
    if mime_type not in allowed:
        raise _invalid(
            _(
                "Attachment: the content of this file is %(detected)s, which is not accepted "
                "(accepted: %(accepted)s)."
            ),
            "type_not_allowed",
            detected=type_label(mime_type),
            accepted=accepted,
        )
    extensions = extensions_for(mime_type)
    if extension and extension not in extensions:
        raise _invalid(
            _(
                "Attachment: the file name ends in .%(extension)s but the content is "
                "%(detected)s. Give the file the right extension (.%(expected)s) or choose "
                "another file."
            ),
            "extension_mismatch",
            extension=extension,
            detected=type_label(mime_type),
            expected=extensions[0] if extensions else "",
        )
    if mime_type.startswith("image/") and not _image_opens(file, mime_type):
        raise _invalid(
            _("Attachment: the image is damaged or incomplete and cannot be opened."),
            "broken_image",
        )

    digest = hashlib.sha256()
    for chunk in _chunks(file):
        digest.update(chunk)
    file.seek(0)
    stored_extension = extension or (extensions[0] if extensions else "bin")
    if not extension:
        name = f"{name}.{stored_extension}"
    return CheckedUpload(
        original_name=name,
        extension=stored_extension,
        mime_type=mime_type,
        kind=kind_for(mime_type),
        size=size,
        sha256=digest.hexdigest(),
    )


def clean_caption(caption: str | None) -> str:
    text = "".join(ch for ch in str(caption or "") if unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > CAPTION_MAX_LENGTH:
        raise ValidationError(
            {
                "caption": ValidationError(
                    _("Caption: at most %(limit)s characters, this one has %(length)s.")
                    % {"limit": CAPTION_MAX_LENGTH, "length": len(text)},
                    code="max_length",
                )
            }
        )
    return text


# --- Changing ------------------------------------------------------------------------------


def _owner_changes(attachment: Attachment) -> dict[str, Any]:
    return {"owner_type": attachment.owner_type, "owner_id": attachment.object_id}


def attach(owner: models.Model, file: File, user: Any, caption: str = "") -> Attachment:
    """Check and store a file on `owner`, with an audit entry; all of it or nothing.

    Raises PermissionDenied when the user may not attach to the owner, ValidationError
    (keyed "file" or "caption") for a refused upload. If anything fails after the file was
    written, the file is deleted again and no row remains.
    """
    if not is_owner(owner):
        raise ImproperlyConfigured(
            f"{owner_type_of(owner)} is not registered with attachments.register_owner()."
        )
    if not can_attach(user, owner):
        raise PermissionDenied(_("You may not add attachments to this record."))
    caption = clean_caption(caption)
    checked = validate_upload(file)
    attachment = Attachment(
        id=uuid.uuid4(),
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner_key_of(owner),
        original_name=checked.original_name,
        extension=checked.extension,
        mime_type=checked.mime_type,
        size=checked.size,
        sha256=checked.sha256,
        kind=checked.kind,
        caption=caption,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    storage: Storage = attachment.file.storage
    written = ""
    try:
        with transaction.atomic():
            # The generated name ignores this argument (see models.stored_name).
            attachment.file.save(checked.original_name, file, save=False)
            written = attachment.file.name or ""
            attachment.save(force_insert=True)
            record(
                AuditAction.CREATE,
                attachment,
                actor=user,
                changes={
                    **_owner_changes(attachment),
                    "original_name": attachment.original_name,
                    "mime_type": attachment.mime_type,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "caption": attachment.caption,
                    "file": written,
                },
            )
    except BaseException:
        if written:
            storage.delete(written)
        raise
    return attachment


def remove(attachment: Attachment, user: Any) -> Attachment:
    """Soft-remove: hidden from lists and downloads, file and row kept, audited."""
    if not can_remove(user, attachment):
        raise PermissionDenied(_("You may not remove this attachment."))
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.removed_at is None:
            locked.removed_at = timezone.now()
            locked.removed_by = user
            locked.save(update_fields=["removed_at", "removed_by"])
            record(
                AuditAction.DELETE,
                locked,
                actor=user,
                changes={**_owner_changes(locked), "removed_at": locked.removed_at, "soft": True},
            )
    attachment.removed_at = locked.removed_at
    attachment.removed_by = locked.removed_by
    return attachment


def open_for_download(attachment: Attachment, user: Any, *, via: str = "web") -> File:
    """Open the stored file for a user who may see it, leaving a DOWNLOAD audit entry.

    Raises Attachment.DoesNotExist when the user may not see it (callers answer 404), and
    FileNotFoundError when the stored file is missing.
    """
    if not can_view(user, attachment):
        raise Attachment.DoesNotExist
    handle = attachment.file.open("rb")
    record(
        AuditAction.DOWNLOAD,
        attachment,
        actor=user,
        changes={**_owner_changes(attachment), "via": via, "sha256": attachment.sha256},
    )
    return handle


# --- Housekeeping ----------------------------------------------------------------------------


def _walk(storage: Storage, directory: str) -> Iterable[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in directories:
        yield from _walk(storage, f"{directory}/{sub}")


def orphaned_files(older_than: Any = None) -> list[str]:
    """Stored files no row points at (left when an outer transaction rolled back an upload).

    Only files older than `older_than` (a timedelta, default one day) are listed, so uploads
    still in flight are never taken for orphans.
    """
    import datetime as dt

    storage: Storage = Attachment._meta.get_field("file").storage  # type: ignore[attr-defined]
    cutoff = timezone.now() - (older_than if older_than is not None else dt.timedelta(days=1))
    known = set(Attachment.objects.values_list("file", flat=True))
    found = []
    for name in _walk(storage, "attachments"):
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        if modified < cutoff:
            found.append(name)
    return sorted(found)
