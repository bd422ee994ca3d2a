"""validate_upload: the type comes from the content, the name must agree, the size is capped."""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from yankao.attachments.services import (
    DOCM,
    DOCX,
    format_size,
    sanitize_name,
    validate_upload,
)

from .samples import CSV_UTF8, ELF, JPEG, PDF, PNG, WINDOWS_EXE, docx_bytes, upload
from .samples import DOCX as DOCX_BYTES


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, content))
    errors = caught.value.message_dict
    assert list(errors) == ["file"]
    (message,) = errors["file"]
    assert message.startswith("Attachment: "), message
    return message


@pytest.mark.parametrize(
    ("name", "content", "mime", "kind"),
    [
        ("工地照片.jpg", JPEG, "image/jpeg", "photo"),
        ("IMG_0001.JPEG", JPEG, "image/jpeg", "photo"),
        ("平面圖.png", PNG, "image/png", "photo"),
        ("會議紀錄.pdf", PDF, "application/pdf", "document"),
        ("查核報告.docx", DOCX_BYTES, DOCX, "document"),
        ("統計.csv", CSV_UTF8, "text/csv", "document"),
        ("excel.csv", b"\xef\xbb\xbf" + CSV_UTF8, "text/csv", "document"),
        ("說明.txt", "高雄市政府研考會\n".encode("cp950"), "text/plain", "document"),
    ],
)
def test_accepts_real_files_of_allowed_types(name, content, mime, kind):
    checked = validate_upload(upload(name, content))
    assert checked.mime_type == mime
    assert checked.kind == kind
    assert checked.size == len(content)
    assert checked.original_name == name
    assert checked.extension == name.rsplit(".", 1)[1].lower()
    assert len(checked.sha256) == 64


def test_name_without_extension_gets_the_detected_one():
    checked = validate_upload(upload("掃描檔", PNG))
    assert (checked.original_name, checked.extension, checked.mime_type) == (
        "掃描檔.png",
        "png",
        "image/png",
    )


def test_oversize_is_refused_with_both_sizes(settings):
    settings.YANKAO_ATTACHMENT_MAX_BYTES = 2048
    message = refusal("big.jpg", JPEG + b"\x00" * 3000)
    assert message == "Attachment: the file is 3.6 KB, larger than the limit of 2 KB."


def test_file_at_the_limit_is_accepted(settings):
    settings.YANKAO_ATTACHMENT_MAX_BYTES = len(PNG)
    assert validate_upload(upload("exact.png", PNG)).size == len(PNG)


def test_empty_file_is_refused():
    assert refusal("empty.pdf", b"") == "Attachment: the file is empty."


@pytest.mark.parametrize(
    ("name", "content", "claimed", "detected"),
    [
        ("photo.jpg", PDF, ".jpg", "a PDF document"),
        ("report.pdf", PNG, ".pdf", "a PNG image"),
        ("notes.docx", CSV_UTF8, ".docx", "plain text"),
        ("photo.jpg.exe", JPEG, ".exe", "a JPEG image"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", ".svg", "plain text"),
    ],
)
def test_extension_that_disagrees_with_content_is_refused(name, content, claimed, detected):
    message = refusal(name, content)
    assert f"the file name ends in {claimed} but the content is {detected}" in message


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("cat.jpg", ELF, "a program (ELF executable)"),
        ("cat.jpg", WINDOWS_EXE, "a Windows program"),
    ],
)
def test_programs_are_refused_whatever_their_name(name, content, detected):
    message = refusal(name, content)
    assert f"the content of this file is {detected}, which is not accepted" in message


def test_random_bytes_named_pdf_are_refused():
    noise = random.Random(7).randbytes(4096)
    message = refusal("contract.pdf", noise)
    assert "is not of any accepted type" in message
    assert "PDF" in message  # the accepted list helps the user


def test_text_with_nul_bytes_is_binary():
    assert "not of any accepted type" in refusal("data.txt", b"abc\x00def")


def test_text_in_an_unknown_encoding_is_refused():
    message = refusal("latin.txt", b"caf\xe9 au lait\n")
    assert message == (
        "Attachment: the text is neither UTF-8 nor Big5; save it as UTF-8 and upload it again."
    )


def test_type_not_in_the_setting_is_refused(settings):
    settings.YANKAO_ATTACHMENT_TYPES = ["application/pdf"]
    message = refusal("map.png", PNG)
    assert "the content of this file is a PNG image, which is not accepted" in message
    assert "(accepted: PDF)" in message


def test_damaged_image_is_refused():
    broken = JPEG[:2] + b"\xff\xe0" + bytes(range(256)) * 4
    assert refusal("broken.jpg", broken) == (
        "Attachment: the image is damaged or incomplete and cannot be opened."
    )


def test_docx_with_macros_is_refused():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes()), "r") as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    message = refusal("report.docx", buffer.getvalue())
    assert "a Word document with macros, which is not accepted" in message
    assert DOCM not in message


def test_plain_zip_named_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "a ZIP archive, which is not accepted" in refusal("report.docx", buffer.getvalue())


def test_file_position_is_rewound_after_checking():
    file = upload("a.png", PNG)
    validate_upload(file)
    assert file.read() == PNG


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\王小明\\Desktop\\照片.jpg", "照片.jpg"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("..", ""),
        ("  report .pdf  ", "report .pdf"),
    ],
)
def test_sanitize_name(raw, clean):
    assert sanitize_name(raw) == clean


@given(st.text(max_size=400))
def test_sanitized_names_are_always_harmless(raw):
    name = sanitize_name(raw)
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert len(name) <= 200
    assert all(ch.isprintable() or ch == " " for ch in name)


def test_long_names_keep_their_extension():
    name = sanitize_name("報" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith(".pdf")


@pytest.mark.parametrize(
    ("n", "round_up", "text"),
    [
        (10 * 1024 * 1024, False, "10 MB"),
        (int(12.3 * 1024 * 1024), False, "12.3 MB"),
        (10 * 1024 * 1024 + 1, True, "10.1 MB"),
        (1536, False, "1.5 KB"),
        (512, False, "512 B"),
    ],
)
def test_format_size(n, round_up, text):
    assert format_size(n, round_up=round_up) == text
