"""Letters and faxes carry their scan; a bad scan stops the whole intake."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from yankao.attachments.models import Attachment
from yankao.cases.models import Case

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def intake(client: Client, categories, **extra):  # type: ignore[no-untyped-def]
    data = {
        "case_type": "petition",
        "channel": "letter",
        "description": "來函陳情人行道破損",
        "category": categories["sidewalk"].pk,
        "district": "鳳山區",
        "name": "王小明",
        "phone": "0912345123",
        "reply_channel": "letter",
        "idempotency_key": "",
        **extra,
    }
    return client.post(reverse("cases:new"), data)


@pytest.fixture
def operator(people) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    client.force_login(people["operator"])
    return client


def test_a_letter_without_its_scan_is_refused(operator, categories):
    response = intake(operator, categories)
    assert response.status_code == 200
    assert "掃描" in response.content.decode()
    assert not Case.objects.exists()


def test_a_scan_that_is_not_what_it_claims_saves_nothing(operator, categories):
    fake = SimpleUploadedFile("letter.png", b"%!PS-Adobe not an image", "image/png")
    response = intake(operator, categories, scans=[fake])
    assert "letter.png" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_letter_with_its_scans_is_recorded_and_shows_them(operator, categories, people):
    pages = [
        SimpleUploadedFile("p1.png", png_bytes(), "image/png"),
        SimpleUploadedFile("p2.png", png_bytes(), "image/png"),
    ]
    response = intake(operator, categories, scans=pages)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert Attachment.objects.count() == 2
    road = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    road.force_login(people["road_officer"])
    page = road.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "p1.png" in page and "p2.png" in page
    epb = Client()
    epb.force_login(people["epb_officer"])
    attachment = Attachment.objects.first()
    assert epb.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
