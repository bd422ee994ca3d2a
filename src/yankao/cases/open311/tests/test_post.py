"""POST requests as FixMyStreet sends them: form-encoded, api_key, attribute[...], media_url."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
import requests
import xmltodict
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from yankao.audit.models import AuditAction, AuditEntry
from yankao.cases.models import Case, CaseStatus, CaseType, Category, Channel, ReplyChannel
from yankao.cases.open311 import intake

from .clients import TIMEOUT, clients
from .conftest import API_KEY, OFFSET_TIME, OTHER_KEY, make_client

pytestmark = pytest.mark.django_db(transaction=True)

# What FixMyStreet's Open311 sender posts: its description carries title, detail and link.
FMS_REPORT = {
    "jurisdiction_id": "kaohsiung.gov.tw",
    "service_code": "ROAD-POTHOLE",
    "lat": "22.62727812",  # more decimals than the case keeps
    "long": "120.35768943",
    "address_string": "高雄市鳳山區光遠路200號",
    "email": "citizen@example.com",
    "first_name": "Ming",
    "last_name": "Wang",
    "phone": "0912345678",
    "description": "title: 光遠路坑洞\n\ndetail: 光遠路200號前有大坑洞，機車容易摔倒。\n\n"
    "url: https://fms.example.tw/report/4711\n\nSubmitted via FixMyStreet",
    "media_url": "https://fms.example.tw/photo/4711.0.jpeg",
    "attribute[title]": "光遠路坑洞",
    "attribute[report_url]": "https://fms.example.tw/report/4711",
    "device_id": "device-7",
    "account_id": "fms-user-42",
}
OUTSIDE_CITY = "位置：座標不在本市範圍內。"


def post(
    base: str, fmt: str = "xml", key: str | None = API_KEY, headers: Any = None, **fields: str
) -> requests.Response:
    data = {**FMS_REPORT, **fields}
    if key is not None:
        data["api_key"] = key
    return requests.post(f"{base}/requests.{fmt}", data=data, headers=headers, timeout=TIMEOUT)


def created(response: requests.Response) -> dict[str, Any]:
    """The one `request` of a POST answer, whatever the format."""
    if response.headers["Content-Type"].startswith("text/xml"):
        return xmltodict.parse(response.content)["service_requests"]["request"]
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    return body[0]


def errors(response: requests.Response) -> list[dict[str, Any]]:
    if response.headers["Content-Type"].startswith("text/xml"):
        found = xmltodict.parse(response.content)["errors"]["error"]
        rows = found if isinstance(found, list) else [found]
        return [{"code": int(row["code"]), "description": row["description"]} for row in rows]
    return response.json()


def test_fixmystreet_report_becomes_a_routed_dispatch_case(
    base: str, fms: Any, categories: dict[str, Category], agencies: dict[str, Any]
) -> None:
    response = post(base)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    answer = created(response)
    case = Case.objects.select_related("petitioner").get(number=answer["service_request_id"])
    assert answer["token"] == case.idempotency_key and intake.TOKEN_RE.match(answer["token"])
    assert answer["account_id"] == "fms-user-42"
    assert "高雄市政府工務局養護工程處" in answer["service_notice"]

    assert (case.case_type, case.channel) == (CaseType.DISPATCH, Channel.APP)
    assert case.category == categories["pothole"]
    assert (case.status, case.lead_agency) == (CaseStatus.ASSIGNED, agencies["road"])
    assert (case.latitude, case.longitude) == (Decimal("22.627278"), Decimal("120.357689"))
    assert (case.address, case.district) == ("高雄市鳳山區光遠路200號", "鳳山區")
    assert case.subject == "光遠路坑洞"
    assert case.description.startswith("title: 光遠路坑洞")
    assert case.description.endswith("\n\nmedia_url: https://fms.example.tw/photo/4711.0.jpeg")
    assert case.deadline_at - case.received_at == dt.timedelta(hours=4)
    person = case.petitioner
    assert (person.name, person.email, person.phone) == (
        "Ming Wang",
        "citizen@example.com",
        "0912345678",
    )
    assert (person.reply_channel, person.anonymous) == (ReplyChannel.EMAIL, False)
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, target_type="cases.case", target_id=str(case.pk)
    )
    assert entry.actor_name == "open311:FixMyStreet 高雄"
    assert entry.changes == {"api_client": fms.pk, "channel": "app"}

    # Read back through the client, in both formats.
    client = clients(base)
    row = client["json"].get_service_request(case.number)
    assert row["agency_responsible"] == "高雄市政府工務局養護工程處"
    assert row["expected_datetime"] == timezone.localtime(case.deadline_at).isoformat(
        timespec="seconds"
    )
    assert all(OFFSET_TIME.match(row[name]) for name in ("requested_datetime", "expected_datetime"))
    for fmt in ("json", "xml"):
        found = client[fmt].get_service_request_id_from_token(answer["token"])
        assert found == {"service_request_id": case.number, "token": answer["token"]}
        text = requests.get(f"{base}/requests/{case.number}.{fmt}", timeout=TIMEOUT).text
        assert "citizen@example.com" not in text and "0912345678" not in text
        assert "Ming Wang" not in text


def test_json_answer_is_a_bare_array(base: str, fms: Any, categories: dict[str, Category]) -> None:
    response = post(base, "json")
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert isinstance(body, list) and set(body[0]) == {
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
    }


def test_a_retried_post_makes_one_case(
    base: str, fms: Any, categories: dict[str, Category]
) -> None:
    first, again = post(base), post(base, "json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert created(first)["service_request_id"] == created(again)["service_request_id"]
    assert created(first)["token"] == created(again)["token"]
    assert Case.objects.count() == 1
    # Other words are another report.
    other = post(base, description="光遠路250號前也有一個坑洞。")
    assert other.status_code == 201 and Case.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "headers"),
    [
        ({"attribute[fixmystreet_id]": "4711"}, None),
        ({"attribute[external_id]": "4711"}, None),
        ({}, {"Idempotency-Key": "fms-4711"}),
    ],
)
def test_an_explicit_client_token_wins_over_the_content(
    base: str,
    fms: Any,
    categories: dict[str, Category],
    fields: dict[str, str],
    headers: dict[str, str] | None,
) -> None:
    first = post(base, headers=headers, **fields)
    edited = post(base, headers=headers, description="改寫過的描述：坑洞已擴大。", **fields)
    assert (first.status_code, edited.status_code) == (201, 200)
    assert created(first)["service_request_id"] == created(edited)["service_request_id"]
    assert Case.objects.count() == 1
    # The same token from another client is that client's own report.
    make_client("高雄市民 App", OTHER_KEY)
    theirs = post(base, key=OTHER_KEY, headers=headers, **fields)
    assert theirs.status_code == 201 and Case.objects.count() == 2


def test_content_fingerprint_counts_the_next_day_too(
    fms: Any, categories: dict[str, Category]
) -> None:
    form = QueryDict(mutable=True)
    form.update({"api_key": "one", **FMS_REPORT})
    day = dt.date(2026, 11, 22)
    today = intake.idempotency_keys(fms, form, {}, day)
    assert intake.idempotency_keys(fms, form, {}, day + dt.timedelta(days=1))[1] == today[0]
    later = intake.idempotency_keys(fms, form, {}, day + dt.timedelta(days=2))
    assert today[0] not in later
    # The api_key is not part of the content: a rotated key still finds the report.
    form["api_key"] = "two"
    assert intake.idempotency_keys(fms, form, {}, day) == today
    form["phone"] = "0922333444"
    assert intake.idempotency_keys(fms, form, {}, day)[0] != today[0]
    assert all(len(key) <= 100 for key in today)  # fits Case.idempotency_key


@pytest.mark.parametrize("key", [None, "", "wrong-key", "inactive-key"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_wrong_or_inactive_key_is_403(
    base: str, fms: Any, categories: dict[str, Category], key: str | None, fmt: str
) -> None:
    make_client("停用的系統", "inactive-key", active=False)
    response = post(base, fmt, key=key)
    assert response.status_code == 403
    found = errors(response)
    assert len(found) == 1 and found[0]["code"] == 403 and found[0]["description"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"service_code": "NO-SUCH"}, 1),
        ({"service_code": "ROAD-OLD"}, 1),  # inactive
        ({"service_code": "ROAD"}, 1),  # a group, not a service
        ({"service_code": ""}, 1),
        ({"lat": "north", "long": "120.3"}, 1),
        ({"lat": "", "long": "", "address_string": ""}, 1),  # no location at all
        ({"media_url": "javascript:alert(1)"}, 1),
        ({"address_string": "高雄市鳳山區" + "光" * 200}, 1),  # the model's own check (200)
        ({"lat": "NaN", "long": "Infinity", "service_code": "NO-SUCH"}, 3),
    ],
)
def test_bad_input_is_400_one_error_per_field(
    base: str, fms: Any, categories: dict[str, Category], fields: dict[str, str], expected: int
) -> None:
    for fmt in ("json", "xml"):
        response = post(base, fmt, **fields)
        assert response.status_code == 400
        found = errors(response)
        assert len(found) == expected
        assert all(row["code"] == 400 and row["description"] for row in found)
        if len(fields.get("address_string", "")) > 200:
            assert found[0]["description"].startswith("address_string: ")
    assert Case.objects.count() == 0


def test_services_validation_errors_keep_their_zh_hant_messages(
    base: str, fms: Any, categories: dict[str, Category]
) -> None:
    outside = post(base, "json", lat="25.033", long="121.565")  # Taipei
    assert outside.status_code == 400
    assert errors(outside) == [{"code": 400, "description": OUTSIDE_CITY}]

    several = post(
        base,
        "xml",
        headers={"Accept-Language": "en"},  # messages stay zh-Hant for every client
        lat="25.033",
        long="121.565",
        description="坑",
        email="not-an-e-mail",
        phone="12",
    )
    assert several.status_code == 400
    assert errors(several) == [
        {"code": 400, "description": "陳情內容：請說明陳情事項。"},
        {"code": 400, "description": OUTSIDE_CITY},
        {"code": 400, "description": "電話：不是有效的臺灣電話號碼。"},
        {"code": 400, "description": "電子郵件：格式不正確。"},
    ]
    assert Case.objects.count() == 0


def test_petition_is_routed_to_the_district_office_named_in_the_address(
    base: str, fms: Any, categories: dict[str, Category], agencies: dict[str, Any]
) -> None:
    response = post(
        base,
        "json",
        service_code="LOCAL-MISC",
        lat="",
        long="",
        address_string="高雄市鳳山區光遠路123號旁公園",
        description="公園路燈旁的里民活動中心門口積水。",
        first_name="小明",
        last_name="王",
        email="",
        phone="",
        media_url="",
    )
    assert response.status_code == 201
    case = Case.objects.select_related("petitioner").get()
    assert (case.case_type, case.district) == (CaseType.PETITION, "鳳山區")
    assert case.lead_agency == agencies["fengshan"]
    assert (case.latitude, case.longitude) == (None, None)
    assert case.description == "公園路燈旁的里民活動中心門口積水。"
    assert case.petitioner.name == "王小明"
    assert case.petitioner.reply_channel == ReplyChannel.NONE


def test_concurrent_retries_make_one_case(
    base: str, fms: Any, categories: dict[str, Category]
) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "SQLite's shared in-memory test database fails with 'table is locked' instead of "
            "waiting; this runs on PostgreSQL (CI) and on file SQLite"
        )
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _n: post(base, "json"), range(4)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({created(a)["service_request_id"] for a in answers}) == 1
    assert Case.objects.count() == 1
