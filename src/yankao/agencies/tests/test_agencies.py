from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from yankao.agencies.models import Agency, AgencyKind
from yankao.agencies.services import (
    AGENCY_DATA_FILE,
    agency_counts_by_kind,
    descendant_ids,
    district_office_for,
    load_agencies,
)

pytestmark = pytest.mark.django_db

HEADER = "code,code_official,name_zh,short_name,name_en,kind,parent_code,district,phone,email,website,source\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agencies.csv"
    path.write_text("# test file\n" + HEADER + body, encoding="utf-8")
    return path


def test_shipped_file_loads_and_is_idempotent():
    first = load_agencies(AGENCY_DATA_FILE)
    counts = agency_counts_by_kind()
    assert first.created == Agency.objects.count()
    assert counts["city"] == 1
    assert counts["first_level"] >= 33
    assert counts["district_office"] == 38
    assert counts["second_level"] >= 10
    second = load_agencies(AGENCY_DATA_FILE)
    assert second.created == 0 and second.updated == 0
    assert Agency.objects.count() == first.created
    # Every district office serves exactly one named district.
    districts = list(
        Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE).values_list("district", flat=True)
    )
    assert len(set(districts)) == 38 and all(d.endswith("區") for d in districts)
    assert district_office_for("鳳山區").code == "397620000A"


def test_load_reports_every_bad_row_and_saves_nothing(tmp_path):
    path = write(
        tmp_path,
        "397000000A,1,高雄市政府,市政府,,city,,,,,,t\n"
        "12345,1,壞代碼,,,first_level,397000000A,,,,,t\n"
        "397110000G,1,,,,first_level,397000000A,,,,,t\n"
        "397150000I,1,環保局,,,planet,397000000A,,,,,t\n"
        "397160000A,1,地政局,,,first_level,999999999Z,,,,,t\n"
        "397170000G,2,經發局,,,first_level,397000000A,,,bad-mail,,t\n",
    )
    with pytest.raises(ValidationError) as caught:
        load_agencies(path)
    text = "\n".join(caught.value.messages)
    assert "Line 4" in text or "第 4 行" in text
    for field in ("code", "name_zh", "kind", "parent_code", "code_official", "email"):
        assert field in text
    assert Agency.objects.count() == 0


def test_reload_updates_changed_fields_and_keeps_unlisted(tmp_path):
    path = write(
        tmp_path,
        "397000000A,1,高雄市政府,市政府,,city,,,,,,t\n397110000G,1,工務局,,,first_level,397000000A,,,,,t\n",
    )
    load_agencies(path)
    extra = Agency.objects.create(
        code="397999999A", name_zh="手動新增", kind=AgencyKind.FIRST_LEVEL
    )
    path.write_text(
        "# v2\n"
        + HEADER
        + "397000000A,1,高雄市政府,市政府,,city,,,,,,t\n397110000G,1,高雄市政府工務局,,,first_level,397000000A,,07-1234567,,,t\n",
        encoding="utf-8",
    )
    result = load_agencies(path)
    assert result.updated == 1
    assert Agency.objects.get(code="397110000G").phone == "07-1234567"
    assert Agency.objects.filter(pk=extra.pk).exists()


def test_agencies_are_never_deleted(agencies):
    with pytest.raises(ProtectedError):
        agencies["epb"].delete()


def test_tree_descendants(agencies):
    ids = descendant_ids(agencies["pwb"].pk)
    assert ids == {agencies["pwb"].pk, agencies["road"].pk}


def test_load_command_reports_errors_in_chinese(tmp_path, capsys):
    path = write(tmp_path, "bad,1,x,,,city,,,,,,t\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未匯入任何資料"):
        call_command("load_agencies", str(path))


def test_agency_pages_filter_and_export(people, agencies):
    client = Client()
    client.force_login(people["epb_officer"])
    response = client.get(reverse("agencies:list"), {"kind": "district_office"})
    assert [a.code for a in response.context["object_list"]] == ["397620000A"]
    response = client.get(reverse("agencies:list"), {"q": "工務"})
    assert {a.code for a in response.context["object_list"]} == {"397110000G", "YK397110A01"}
    response = client.get(reverse("agencies:detail", args=["YK397110A01"]))
    assert response.status_code == 200
    assert client.get(reverse("agencies:detail", args=["000000000X"])).status_code == 404
    export = client.get(reverse("agencies:list"), {"export": "csv", "kind": "first_level"})
    assert export["Content-Type"].startswith("text/csv")
    assert "397110000G" in export.content.decode("utf-8-sig")


def test_deactivated_agency_keeps_its_people(people, agencies):
    agency = agencies["epb"]
    agency.active = False
    agency.save()
    people["epb_officer"].refresh_from_db()
    assert people["epb_officer"].agency == agency
    client = Client()
    client.force_login(people["admin"])
    listed = client.get(reverse("agencies:list")).context["object_list"]
    assert agency not in listed
    listed = client.get(reverse("agencies:list"), {"status": "inactive"}).context["object_list"]
    assert list(listed) == [agency]


def test_api_lists_agencies_and_rejects_unknown_kind(people):
    client = Client()
    client.force_login(people["pwb_officer"])
    data = client.get("/api/v1/agencies/", {"kind": "district_office"}).json()
    assert [a["code"] for a in data["results"]] == ["397620000A"]
    assert client.get("/api/v1/agencies/397110000G/").json()["name_zh"] == "高雄市政府工務局"
    bad = client.get("/api/v1/agencies/", {"kind": "planet"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert bad.status_code == 400
    assert "kind" in bad.json()


def test_agency_code_validation_message_names_field():
    agency = Agency(code="12AB", name_zh="x", kind=AgencyKind.FIRST_LEVEL)
    with pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert "code" in caught.value.message_dict
