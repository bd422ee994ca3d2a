"""In real Chromium: the team opens a planned visit from the planning board, types the on-site
form (a reload keeps the draft), records it with a defect and a photo and sends it; the agency
reports the remedy with a photo; the team verifies, closes the defect and the inspection."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from PIL import Image

from yankao.attachments.models import Attachment
from yankao.browser import log_in, screenshot
from yankao.works.conftest import make_project
from yankao.works.models import DefectStatus, InspectionStatus
from yankao.works.reference import load_defect_codes
from yankao.works.services import inspections as service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEAF = "4.02.01.01"


def photo(name: str) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_one_inspection_from_the_visit_to_closing(
    page: Any, live_server: Any, people: dict[str, Any], agencies: dict[str, Any]
) -> None:
    load_defect_codes()
    project = make_project(agencies["pwb"])
    today = dt.date.today()
    inspection = service.new_inspection(project, people["inspector"], scheduled_on=today)
    base = live_server.url

    log_in(page, base, "inspector")
    page.goto(f"{base}/works/planning/")
    page.get_by_role("link", name="開啟現場查核表").first.click()
    page.wait_for_url(f"{base}/works/inspections/{inspection.pk}/record/")
    page.locator("#m1-name").fill("外聘委員甲")
    page.locator("#m1-ext").check()
    page.locator("#m1-score").fill("84")
    page.locator("#m2-name").fill("委員乙")
    page.locator("#m2-score").fill("85")
    page.wait_for_selector("text=草稿已儲存於")  # autosaved on the server
    page.reload()
    assert page.locator("#m2-score").input_value() == "85"  # nothing typed is lost
    page.get_by_role("button", name="新增一列缺失").click()  # more rows than the page had
    assert page.locator("#d11-code").get_attribute("name") == "defect-11-code"
    page.locator("#d1-code").fill(LEAF)
    page.locator("#d1-desc").fill("監造計畫未包括品管要點基本內容")
    page.locator("#m3-name").fill("委員丙")  # a member without a score is refused
    page.get_by_role("button", name="完成查核記錄").click()
    page.wait_for_selector("text=尚未評分")
    assert page.locator("#d1-desc").input_value().startswith("監造計畫")
    page.locator("#m3-name").fill("")
    screenshot(page, "works-inspection-form")
    page.get_by_role("button", name="完成查核記錄").click()
    page.wait_for_url(f"{base}/works/inspections/{inspection.pk}/")
    page.wait_for_selector("text=85 分")  # (84 + 85) / 2 = 84.5, rounded half up
    page.get_by_role("link", name=LEAF).click()
    page.get_by_text("新增照片").click()
    page.get_by_label("階段").select_option("before")
    page.locator("#id_photos").set_input_files(photo("before.jpg"))
    page.get_by_role("button", name="上傳照片").click()
    page.wait_for_selector("text=照片已上傳")
    page.goto(f"{base}/works/inspections/{inspection.pk}/")
    page.get_by_role("button", name="函送查核紀錄給機關").click()
    page.wait_for_selector("text=查核紀錄已函送機關")

    log_in(page, base, "pwb.officer")
    page.get_by_role("link", name=LEAF, exact=False).first.click()  # from the home page
    page.get_by_label("改善情形").fill("已補正監造計畫並送審核定")
    page.locator("#id_photos_after").set_input_files(photo("after.jpg"))
    screenshot(page, "works-defect-remedy")
    page.get_by_role("button", name="回報改善").click()
    page.wait_for_selector("text=已向查核小組回報改善情形")

    log_in(page, base, "inspector")
    page.goto(f"{base}/works/defects/?tab=reported")
    page.get_by_role("link", name=LEAF).click()
    page.get_by_role("button", name="改善確認，缺失結案").click()
    page.wait_for_selector("text=已儲存")
    page.goto(f"{base}/works/inspections/{inspection.pk}/")
    page.get_by_role("button", name="查核結案").click()
    page.wait_for_selector("text=查核已結案")

    inspection.refresh_from_db()
    assert (inspection.status, inspection.score, inspection.grade) == (
        InspectionStatus.CLOSED,
        85,
        "a",
    )
    defect = inspection.defects.get()
    assert defect.status == DefectStatus.CLOSED
    captions = sorted(a.caption[:3] for a in Attachment.objects.all())
    assert captions == ["改善前", "改善後"]
