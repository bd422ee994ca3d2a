"""Import of the Kaohsiung FAQ set: all rows checked first, idempotent, local edits kept."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from yankao.assistant.models import FaqEntry, FaqStatus, FaqVersion, Topic, VersionStatus
from yankao.assistant.services.faq_import import (
    DEFAULT_PATH,
    IMPORT_NOTE,
    FaqImportError,
    import_faq,
    read_lines,
)

pytestmark = pytest.mark.django_db


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "organ_no": "397150000I",
        "seq_no": 3,
        "organ_name": "高雄市政府環境保護局",
        "issue_kind": "環保",
        "question": "家中若有大型家具、家電等巨大垃圾如何處理？",
        "answer": "答覆內容：\r\n請撥打清潔隊電話預約。\r\n網址：https://epb.kcg.gov.tw/",
        "post_date": "20100308",
        "revise_date": "20181220",
        "view_count": 120,
    }
    return base | changes


def write(tmp_path: Path, rows: list[Any]) -> Path:
    path = tmp_path / "faq.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return path


def test_import_creates_published_entries_with_an_approved_first_version(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    path = write(tmp_path, [row(), row(organ_no="397110000G", seq_no=6, question="招牌如何申請？")])
    result = import_faq(path)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    entry = FaqEntry.objects.get(source_key="397150000I-3")
    assert entry.status == FaqStatus.PUBLISHED and entry.agency == agencies["epb"]
    assert entry.topic == Topic.objects.get(name="環保")
    assert entry.answer == "請撥打清潔隊電話預約。\n網址：https://epb.kcg.gov.tw/"
    assert entry.views == 120 and entry.valid_from == dt.date(2010, 3, 8) and entry.version == 1
    version = entry.versions.get()
    assert (version.number, version.status, version.note) == (
        1,
        VersionStatus.APPROVED,
        IMPORT_NOTE,
    )


def test_a_second_import_changes_nothing_and_a_source_change_is_a_new_version(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    import_faq(write(tmp_path, [row()]))
    again = import_faq(write(tmp_path, [row()]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = import_faq(write(tmp_path, [row(answer="請上網預約。", revise_date="20240101")]))
    assert changed.updated == 1
    entry = FaqEntry.objects.get()
    assert entry.answer == "請上網預約。" and entry.version == 2
    assert list(entry.versions.values_list("number", flat=True)) == [2, 1]


def test_a_newer_local_approved_version_wins_over_the_import(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    import_faq(write(tmp_path, [row()]))
    entry = FaqEntry.objects.get()
    FaqVersion.objects.create(
        entry=entry,
        number=2,
        question=entry.question,
        answer="本地編修的答覆",
        status=VersionStatus.APPROVED,
        decided_at=timezone.now(),
    )
    FaqEntry.objects.filter(pk=entry.pk).update(answer="本地編修的答覆", version=2)
    result = import_faq(write(tmp_path, [row(answer="來源的舊答覆")]))
    assert (result.updated, result.kept_local) == (0, 1)
    entry.refresh_from_db()
    assert entry.answer == "本地編修的答覆"


def test_a_retired_entry_is_never_republished_or_deleted(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    import_faq(write(tmp_path, [row(), row(seq_no=4, question="藥品容器丟棄方式")]))
    FaqEntry.objects.filter(source_key="397150000I-3").update(status=FaqStatus.RETIRED)
    import_faq(write(tmp_path, [row(seq_no=4, question="藥品容器丟棄方式")]))  # row 3 missing
    assert FaqEntry.objects.count() == 2
    assert FaqEntry.objects.get(source_key="397150000I-3").status == FaqStatus.RETIRED


def test_every_row_error_is_reported_and_nothing_is_saved(
    agencies: dict[str, Any], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        [
            row(),
            "{not json",
            row(organ_no="999999999X"),
            row(seq_no=5, question="", post_date="2010-03-08"),
            row(seq_no=6, view_count=-1),
            row(),  # the same key again
        ],
    )
    with pytest.raises(FaqImportError) as caught:
        import_faq(path)
    rows = [(e.row, e.reason) for e in caught.value.errors]
    assert [r for r, _ in rows] == [2, 3, 4, 4, 5, 6]
    assert "999999999X" in rows[1][1] and "第 1 列" in rows[-1][1]
    assert not FaqEntry.objects.exists() and not Topic.objects.exists()


def test_the_command_lists_errors_and_fails(agencies: dict[str, Any], tmp_path: Path) -> None:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_faq", str(write(tmp_path, [row(answer="")])), stderr=err)
    assert "第 1 列" in err.getvalue() and "answer" in err.getvalue()
    out = StringIO()
    call_command("import_faq", str(write(tmp_path, [row()])), "--synonyms", stdout=out)
    assert "新增 1 則" in out.getvalue() and "同義詞" in out.getvalue()


def test_the_shipped_file_is_the_full_kaohsiung_set() -> None:
    lines = [line for line in read_lines(DEFAULT_PATH) if line.strip()]
    assert len(lines) == 1348
    keys = {f"{r['organ_no']}-{r['seq_no']}" for r in map(json.loads, lines)}
    assert len(keys) == 1348
