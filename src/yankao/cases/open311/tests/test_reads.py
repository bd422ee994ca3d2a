"""Every read endpoint, in JSON and XML, through the PyPI `georeport` client on a live server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import requests
import xmltodict
from django.utils import timezone

from yankao.cases import services
from yankao.cases.models import Case, CaseStatus, CaseType, Category, Channel
from yankao.cases.services import Intake
from yankao.cases.workflow import transition

from .clients import TIMEOUT, as_list, as_xml, clients
from .conftest import OFFSET_TIME

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAL = ("王小明", "0912345123", "ming@example.com")
DATETIMES = ("requested_datetime", "updated_datetime", "expected_datetime")


def get(base: str, path: str, **params: str) -> requests.Response:
    return requests.get(f"{base}/{path}", params=params, timeout=TIMEOUT)


def numbers(rows: list[dict[str, Any]]) -> list[str]:
    return [row["service_request_id"] for row in rows]


def close_with_reply(case: Case, people: dict[str, Any], handling: str, note: str = "") -> Case:
    officer = people["road_officer"]
    services.accept(case, officer)
    services.reply(case, officer, handling)
    return services.close(case, officer, note=note)


# --- Discovery and services ----------------------------------------------------------------


def test_discovery_in_both_formats(base: str, agencies: dict[str, Any]) -> None:
    client = clients(base)
    found = client["json"].get_discovery()
    endpoint = found["endpoints"][0]
    assert endpoint["url"] == base + "/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "test"
    assert OFFSET_TIME.match(found["changeset"]) and OFFSET_TIME.match(endpoint["changeset"])
    assert "高雄市政府研究發展考核委員會" in found["contact"]

    xml = client["xml"].get_discovery()
    assert xml["contact"] == found["contact"]
    assert xml["endpoints"]["endpoint"]["url"] == base + "/"
    assert xml["endpoints"]["endpoint"]["formats"]["format"] == endpoint["formats"]
    assert get(base, "discovery.xml").headers["Content-Type"] == "text/xml; charset=utf-8"
    assert get(base, "discovery.json").headers["Content-Type"] == "application/json; charset=utf-8"


def test_service_list_is_the_active_leaves(
    base: str, categories: dict[str, Category], schema: Callable[[Any, str], None]
) -> None:
    client = clients(base)
    listed = client["json"].get_service_list()
    schema(listed, "services.json")
    assert [s["service_code"] for s in listed] == [
        "ROAD-POTHOLE",
        "ROAD-SIDEWALK",
        "ENV-NOISE",
        "LOCAL-MISC",
    ]
    assert listed[0] == {
        "service_code": "ROAD-POTHOLE",
        "service_name": "道路坑洞",
        "description": "道路與交通設施 / 道路坑洞 (Pothole)",
        "metadata": False,
        "type": "realtime",
        "keywords": "坑洞,路面破損,凹洞",
        "group": "道路與交通設施",
    }
    assert listed[3]["keywords"] is None and listed[3]["group"] == "里鄰事務"

    raw = get(base, "services.xml")
    assert raw.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert raw.content.startswith(b"<?xml") and b"<services><service>" in raw.content
    assert client["xml"].get_service_list() == [as_xml(row) for row in listed]


def test_service_definition_and_unknown_services(
    base: str, categories: dict[str, Category], schema: Callable[[Any, str], None]
) -> None:
    client = clients(base)
    definition = client["json"].get_service_definition("ROAD-POTHOLE")
    schema(definition, "service-definition.json")
    assert definition == {"service_code": "ROAD-POTHOLE", "attributes": []}
    assert client["xml"].get_service_definition("ROAD-POTHOLE") == {
        "service_code": "ROAD-POTHOLE",
        "attributes": None,
    }
    # A group, an inactive leaf, a leaf under an inactive group, nothing at all.
    for code in ("ROAD", "ROAD-OLD", "OLD-LEAF", "NO-SUCH"):
        for fmt in ("json", "xml"):
            with pytest.raises(requests.HTTPError) as caught:
                client[fmt].get_service_definition(code)
            assert caught.value.response.status_code == 404
        body = get(base, f"services/{code}.json").json()
        assert [error["code"] for error in body] == [404]
        errors = xmltodict.parse(get(base, f"services/{code}.xml").content)["errors"]["error"]
        assert errors["code"] == "404" and errors["description"] == body[0]["description"]


# --- Requests ------------------------------------------------------------------------------


@pytest.fixture
def filed(
    file_case: Callable[..., Case], people: dict[str, Any], categories: dict[str, Category]
) -> dict[str, Case]:
    now = timezone.now()
    recent = file_case("sidewalk", received_at=now - dt.timedelta(hours=5))
    pothole = file_case(
        "pothole",
        description="光遠路200號前坑洞，機車騎士差點摔倒。",
        latitude=Decimal("22.627278"),
        longitude=Decimal("120.357689"),
        received_at=now - dt.timedelta(days=2),
    )
    pothole = close_with_reply(pothole, people, "已派員以冷拌瀝青完成坑洞修補。")
    old = file_case("sidewalk", received_at=now - dt.timedelta(days=100))
    secret = file_case("sidewalk", confidential=True, received_at=now - dt.timedelta(hours=2))
    consultation, _code = services.create_case(
        Intake(
            case_type=CaseType.CONSULTATION,
            channel=Channel.HOTLINE,
            description="請問垃圾車幾點到光遠路？",
            answer="晚上七點半。",
            received_at=now - dt.timedelta(hours=1),
        )
    )
    return {
        "recent": recent,
        "pothole": pothole,
        "old": old,
        "secret": secret,
        "consultation": consultation,
    }


def test_request_list_filters_in_both_formats(
    base: str, filed: dict[str, Case], schema: Callable[[Any, str], None]
) -> None:
    client = clients(base)
    recent, pothole, old = filed["recent"].number, filed["pothole"].number, filed["old"].number
    hidden = [filed["secret"].number, filed["consultation"].number]
    now = timezone.localtime()
    asks: list[tuple[dict[str, str], list[str]]] = [
        ({}, [recent, pothole]),  # the last 90 days; never confidential nor consultations
        ({"service_code": "ROAD-POTHOLE"}, [pothole]),
        ({"service_code": "ROAD-POTHOLE,ROAD-SIDEWALK"}, [recent, pothole]),
        ({"service_code": "ENV-NOISE"}, []),
        ({"status": "open"}, [recent]),
        ({"status": "closed"}, [pothole]),
        ({"status": "open,closed"}, [recent, pothole]),
        (
            {
                "start_date": (now - dt.timedelta(days=120)).isoformat(),
                "end_date": (now - dt.timedelta(days=50)).isoformat(),
            },
            [old],
        ),
        ({"start_date": (now - dt.timedelta(days=1)).isoformat()}, [recent]),
        ({"end_date": (now - dt.timedelta(hours=36)).isoformat()}, [pothole]),
        ({"end_date": (now - dt.timedelta(days=95)).date().isoformat()}, [old]),
        # The spec: service_request_id overrides every other filter, even the window.
        (
            {"service_request_id": ",".join([old, *hidden, recent]), "status": "closed"},
            [recent, old],
        ),
    ]
    for params, expected in asks:
        rows = client["json"].get_service_requests(**params)
        schema(rows, "requests.json")
        assert numbers(rows) == expected, params
        if expected:  # the client cannot read an empty XML list (it indexes into None)
            xml_rows = as_list(client["xml"].get_service_requests(**params))
            assert xml_rows == [as_xml(row) for row in rows], params
        else:
            empty = get(base, "requests.xml", **params)
            assert xmltodict.parse(empty.content) == {"service_requests": None}


def test_single_request_fields_times_and_no_personal_data(
    base: str,
    filed: dict[str, Case],
    agencies: dict[str, Any],
    schema: Callable[[Any, str], None],
) -> None:
    client = clients(base)
    case = Case.objects.get(pk=filed["pothole"].pk)
    row = client["json"].get_service_request(case.number)
    schema([row], "requests.json")
    schema(row, "request.json")
    assert row["service_request_id"] == case.number
    assert row["status"] == "closed"
    assert row["status_notes"] == "已派員以冷拌瀝青完成坑洞修補。"
    assert (row["service_code"], row["service_name"]) == ("ROAD-POTHOLE", "道路坑洞")
    assert row["agency_responsible"] == agencies["road"].name_zh == "高雄市政府工務局養護工程處"
    assert row["description"] == "光遠路200號前坑洞，機車騎士差點摔倒。"
    assert (row["lat"], row["long"]) == (22.627278, 120.357689)
    assert row["address"] == "高雄市鳳山區光遠路200號前"
    assert row["service_notice"] is None  # closed: nothing more to expect
    assert row["media_url"] is None
    for name in DATETIMES:
        assert OFFSET_TIME.match(row[name]), (name, row[name])
    assert dt.datetime.fromisoformat(row["requested_datetime"]) == case.received_at.replace(
        microsecond=0
    )
    assert dt.datetime.fromisoformat(row["expected_datetime"]) == case.deadline_at.replace(
        microsecond=0
    )
    assert client["xml"].get_service_request(case.number) == as_xml(row)

    open_row = client["json"].get_service_request(filed["recent"].number)
    assert open_row["status"] == "open" and open_row["status_notes"] is None
    assert "高雄市政府工務局養護工程處" in open_row["service_notice"]
    due = timezone.localtime(filed["recent"].deadline_at).strftime("%Y-%m-%d %H:%M")
    assert due in open_row["service_notice"]
    for fmt in ("json", "xml"):
        text = get(base, f"requests.{fmt}").text + get(base, f"requests/{case.number}.{fmt}").text
        for value in PERSONAL:
            assert value not in text


def test_free_text_and_home_address_are_masked(
    base: str, file_case: Callable[..., Case], schema: Callable[[Any, str], None]
) -> None:
    case = file_case(
        "sidewalk",
        description="我是王小明，住光遠路123號，請回電0912345123或 07-7995678，"
        "或寄ming@example.com，另一位lee.h@example.org，身分證A123456789。",
        address="高雄市鳳山區光遠路123號",  # the petitioner's own address
    )
    client = clients(base)
    row = client["json"].get_service_request(case.number)
    schema(row, "request.json")
    assert row["description"] == (
        "我是王○明，住光遠路123號，請回電09xx-xxx-123或 07xx-xxx-678，"
        "或寄m***@example.com，另一位l****@example.org，身分證A12*****89。"
    )
    assert row["address"] == "高雄市鳳山區光遠路○○號"
    raw = get(base, f"requests/{case.number}.xml").text
    for value in (*PERSONAL, "07-7995678", "lee.h@example.org", "A123456789", "鳳山區光遠路123號"):
        assert value not in raw


def test_status_notes_publish_only_sent_replies_and_public_notes(
    base: str,
    file_case: Callable[..., Case],
    people: dict[str, Any],
) -> None:
    client = clients(base)
    officer, commission = people["epb_officer"], people["rdec_case"]
    noise = file_case("noise", description="夜間KTV很吵，影響睡眠。")
    services.accept(noise, officer)
    services.reply(noise, officer, "初稿：已通知業者改善，感謝王小明先生。")
    assert Case.objects.get(pk=noise.pk).status == CaseStatus.PENDING_REVIEW

    def notes() -> Any:
        return client["json"].get_service_request(noise.number)["status_notes"]

    assert notes() is None  # a draft under review is not public
    transition(noise, "reject_reply", commission, note="請補上稽查噪音分貝數。")
    assert notes() is None  # rejected drafts and review notes stay inside
    services.reply(noise, officer, "已於夜間稽查，噪音超標已開單告發，王小明先生請放心。")
    transition(noise, "approve_reply", commission)
    assert notes() == "已於夜間稽查，噪音超標已開單告發，王○明先生請放心。"
    assert client["xml"].get_service_request(noise.number)["status_notes"] == notes()

    returned = file_case("sidewalk")
    services.return_case(returned, people["road_officer"], "非本處業管，應由區公所處理。")
    assert client["json"].get_service_request(returned.number)["status_notes"] is None

    declined = file_case("sidewalk")
    services.decline(declined, commission, "already_answered", "同一事項已於上月答覆。")
    row = client["json"].get_service_request(declined.number)
    assert (row["status"], row["status_notes"]) == ("closed", "同一事項已於上月答覆。")


def test_unknown_confidential_and_consultation_requests_are_404(
    base: str, filed: dict[str, Case]
) -> None:
    client = clients(base)
    for number in (filed["secret"].number, filed["consultation"].number, "115P9999999"):
        for fmt in ("json", "xml"):
            with pytest.raises(requests.HTTPError) as caught:
                client[fmt].get_service_request(number)
            assert caught.value.response.status_code == 404
        assert [e["code"] for e in get(base, f"requests/{number}.json").json()] == [404]


def test_token_lookup_in_both_formats(base: str, file_case: Callable[..., Case]) -> None:
    token = "o311-" + "ab" * 32
    case = file_case("pothole", idempotency_key=token)
    hidden = "o311-" + "cd" * 32
    file_case("sidewalk", idempotency_key=hidden, confidential=True)
    client = clients(base)
    expected = {"service_request_id": case.number, "token": token}
    assert client["json"].get_service_request_id_from_token(token) == expected
    assert client["xml"].get_service_request_id_from_token(token) == expected
    for unknown in ("o311-" + "0" * 64, hidden, "not-a-token"):
        for fmt in ("json", "xml"):
            with pytest.raises(requests.HTTPError) as caught:
                client[fmt].get_service_request_id_from_token(unknown)
            assert caught.value.response.status_code == 404


def test_pagination_extension(base: str, file_case: Callable[..., Case]) -> None:
    now = timezone.now()
    made = [file_case("sidewalk", received_at=now - dt.timedelta(hours=h)) for h in range(1, 6)]
    newest_first = [case.number for case in made]
    pages = []
    for page in (1, 2, 3):
        response = get(base, "requests.json", page=str(page), page_size="2")
        assert response.headers["X-Total-Count"] == "5"
        pages.append(numbers(response.json()))
        links = response.headers.get("Link", "")
        assert ('rel="prev"' in links) == (page > 1)
        assert ('rel="next"' in links) == (page < 3)
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    first = get(base, "requests.json", page_size="2")
    next_url = first.headers["Link"].split(">", 1)[0].lstrip("<")
    assert numbers(requests.get(next_url, timeout=TIMEOUT).json()) == pages[1]
    xml = xmltodict.parse(get(base, "requests.xml", page="3", page_size="2").content)
    assert [xml["service_requests"]["request"]["service_request_id"]] == pages[2]
    assert get(base, "requests.json", page="4", page_size="2").json() == []
    assert numbers(get(base, "requests.json").json()) == newest_first  # default: up to 1000


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "0"},
        {"page_size": "1001"},
        {"page": "zero"},
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"end_date": "2026-02-30"},
        {"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-02-01T00:00:00+08:00"},
        {"start_date": "2026-01-01", "end_date": "2026-04-15"},
    ],
)
def test_bad_filters_are_400_with_an_error_list(
    base: str, agencies: dict[str, Any], params: dict[str, str]
) -> None:
    response = get(base, "requests.json", **params)
    assert response.status_code == 400
    body = response.json()
    assert len(body) == 1 and body[0]["code"] == 400 and body[0]["description"]
    xml = get(base, "requests.xml", **params)
    assert xml.status_code == 400 and xml.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert xmltodict.parse(xml.content)["errors"]["error"]["code"] == "400"


def test_an_unencoded_offset_still_parses(base: str, file_case: Callable[..., Case]) -> None:
    case = file_case("sidewalk", received_at=timezone.now() - dt.timedelta(days=3))
    start = timezone.localtime() - dt.timedelta(days=4)
    # A hand-typed "+08:00" arrives as " 08:00" after query-string decoding.
    url = f"{base}/requests.json?start_date={start.strftime('%Y-%m-%dT%H:%M:%S')}+08:00"
    assert numbers(requests.get(url, timeout=TIMEOUT).json()) == [case.number]


def test_wrong_method_is_405_with_an_error_list(base: str, agencies: dict[str, Any]) -> None:
    response = requests.put(f"{base}/requests.json", timeout=TIMEOUT)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"
    assert response.json()[0]["code"] == 405
    assert requests.post(f"{base}/services.xml", timeout=TIMEOUT).status_code == 405


def test_schemas_catch_what_the_spec_forbids(schema: Callable[[Any, str], None]) -> None:
    """The validation above can fail: wrapped bodies and zone-less times are refused."""
    from jsonschema import ValidationError

    good = {
        "service_request_id": "115P0000001",
        "status": "open",
        "service_code": "ROAD-POTHOLE",
        "requested_datetime": "2026-11-22T10:00:00+08:00",
    }
    schema([good], "requests.json")
    for bad in (
        {"service_requests": [good]},
        [{**good, "requested_datetime": "2026-11-22T10:00:00"}],
        [{**good, "status": "assigned"}],
        [{**good, "media_url": "photo.jpg"}],
    ):
        with pytest.raises(ValidationError):
            schema(bad, "requests.json")


@pytest.mark.skipif(
    not any(f.name == "confidential" for f in Category._meta.get_fields()),
    reason="Category has no confidential flag yet; the filter applies once it does",
)
def test_cases_of_confidential_categories_are_never_listed(
    base: str, file_case: Callable[..., Case], categories: dict[str, Category]
) -> None:
    Category.objects.filter(pk=categories["noise"].pk).update(confidential=True)
    case = file_case("noise")
    assert numbers(clients(base)["json"].get_service_requests()) == []
    assert get(base, f"requests/{case.number}.json").status_code == 404
