"""Import of the Kaohsiung FAQ set (高雄市政府線上即時服務常見問答) into the knowledge base.

The file is JSON lines (see `assistant/data/README.md`). Every row is checked first and every
problem reported with its row number; only a file without errors is saved, in one transaction.

Idempotent: an entry is found again by its source key (`<organ_no>-<seq_no>`). A re-import
creates what is new and updates what the source changed, but never deletes, never changes an
entry's status, and never overwrites a local edit: when the commission approved a local version
on or after the source's revision date, the local text wins. Source changes are written as a new
approved version, so the history shows what came from the source and what was edited here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yankao.agencies.models import Agency

from ..models import FaqEntry, FaqStatus, FaqVersion, Topic, VersionStatus

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "kcg_faq.jsonl.gz"
# The note of versions written by an import: how a local edit is told from the source's text.
IMPORT_NOTE = "import:kcg-faq"
ANSWER_PREFIX = re.compile(r"^\s*答覆內容\s*[：:]\s*")
QUESTION_MAX = FaqEntry._meta.get_field("question").max_length or 500
TOPIC_MAX = Topic._meta.get_field("name").max_length or 50
SOURCE_KEY_MAX = FaqEntry._meta.get_field("source_key").max_length or 40


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file
    reason: str

    def __str__(self) -> str:
        return f"第 {self.row} 列：{self.reason}"


@dataclass(frozen=True)
class FaqRow:
    row: int
    source_key: str
    agency_code: str
    topic: str
    question: str
    answer: str
    posted: dt.date | None
    revised: dt.date | None
    views: int


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_local: int = 0  # the source changed, but a newer local approved version wins
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FaqImportError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def read_lines(path: Path) -> list[str]:
    """The file's lines; `.gz` files are read decompressed."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig") as handle:
        return handle.read().splitlines()


def _date(value: Any, name: str, errors: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        errors.append(f"{name} 不是 YYYYMMDD 日期（{str(value)[:20]}）")
        return None


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_rows(lines: Iterable[str], agency_codes: set[str]) -> tuple[list[FaqRow], list[RowError]]:
    """Every row checked: JSON object, known agency, number, question, answer, dates, views."""
    rows: list[FaqRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(number, f"不是有效的 JSON（{exc.msg}）"))
            continue
        if not isinstance(data, dict):
            errors.append(RowError(number, "不是 JSON 物件"))
            continue
        problems: list[str] = []
        code = str(data.get("organ_no") or "").strip()
        if not code:
            problems.append("缺少機關代碼 organ_no")
        elif code not in agency_codes:
            problems.append(f"機關代碼 {code} 不在機關清單中")
        seq = data.get("seq_no")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            problems.append(f"序號 seq_no 不是非負整數（{str(seq)[:20]}）")
        question = _text(data.get("question"))
        if not question:
            problems.append("缺少問題 question")
        elif len(question) > QUESTION_MAX:
            problems.append(f"問題超過 {QUESTION_MAX} 字")
        answer = ANSWER_PREFIX.sub("", _text(data.get("answer")))
        if not answer:
            problems.append("缺少答覆 answer")
        topic = _text(data.get("issue_kind"))
        if len(topic) > TOPIC_MAX:
            problems.append(f"類別 issue_kind 超過 {TOPIC_MAX} 字")
        posted = _date(data.get("post_date"), "post_date", problems)
        revised = _date(data.get("revise_date"), "revise_date", problems)
        views = data.get("view_count", 0)
        if views in (None, ""):
            views = 0
        if isinstance(views, bool) or not isinstance(views, int) or views < 0:
            problems.append(f"瀏覽次數 view_count 不是非負整數（{str(views)[:20]}）")
        key = f"{code}-{seq}"
        if not problems and len(key) > SOURCE_KEY_MAX:
            problems.append("來源鍵過長")
        if not problems and key in seen:
            problems.append(f"與第 {seen[key]} 列重複（{key}）")
        if problems:
            errors.extend(RowError(number, p) for p in problems)
            continue
        seen[key] = number
        rows.append(FaqRow(number, key, code, topic, question, answer, posted, revised, int(views)))
    return rows, errors


def import_faq(path: Path | str = DEFAULT_PATH) -> ImportResult:
    """Check the whole file, then create or update its entries; raises FaqImportError (with
    every row error) and saves nothing when any row is wrong."""
    lines = read_lines(Path(path))
    agencies = {a.code: a for a in Agency.objects.all()}
    rows, errors = parse_rows(lines, set(agencies))
    if errors:
        raise FaqImportError(errors)
    result = ImportResult(rows=len(rows))
    now = timezone.now()
    with transaction.atomic():
        topics = {t.name: t for t in Topic.objects.all()}
        for name in sorted({r.topic for r in rows if r.topic} - set(topics)):
            topics[name] = Topic.objects.create(name=name)
        existing = {
            e.source_key: e
            for e in FaqEntry.objects.filter(source_key__in=[r.source_key for r in rows])
        }
        local = _latest_local_approval({e.pk for e in existing.values()})
        new_entries: list[FaqEntry] = []
        new_versions: list[FaqVersion] = []
        for row in rows:
            topic = topics.get(row.topic)
            entry = existing.get(row.source_key)
            if entry is None:
                new_entries.append(
                    FaqEntry(
                        source_key=row.source_key,
                        agency=agencies[row.agency_code],
                        topic=topic,
                        question=row.question,
                        answer=row.answer,
                        status=FaqStatus.PUBLISHED,
                        valid_from=row.posted,
                        version=1,
                        views=row.views,
                    )
                )
                continue
            same = (
                entry.question == row.question
                and entry.answer == row.answer
                and entry.topic_id == (topic.pk if topic else None)
            )
            if same:
                result.unchanged += 1
                continue
            edited = local.get(entry.pk)
            if edited is not None and (row.revised is None or row.revised <= edited):
                result.kept_local += 1
                continue
            number = (entry.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            FaqVersion.objects.create(
                entry=entry,
                number=number,
                question=row.question,
                alternatives=entry.alternatives,
                answer=row.answer,
                topic=topic,
                valid_from=entry.valid_from,
                valid_to=entry.valid_to,
                note=IMPORT_NOTE,
                status=VersionStatus.APPROVED,
                decided_at=now,
            )
            entry.question, entry.answer, entry.topic, entry.version = (
                row.question,
                row.answer,
                topic,
                number,
            )
            entry.save(update_fields=["question", "answer", "topic", "version", "updated_at"])
            result.updated += 1
        created = FaqEntry.objects.bulk_create(new_entries, batch_size=500)
        for entry in created:
            new_versions.append(
                FaqVersion(
                    entry=entry,
                    number=1,
                    question=entry.question,
                    answer=entry.answer,
                    topic=entry.topic,
                    valid_from=entry.valid_from,
                    note=IMPORT_NOTE,
                    status=VersionStatus.APPROVED,
                    decided_at=now,
                )
            )
        FaqVersion.objects.bulk_create(new_versions, batch_size=500)
        result.created = len(created)
        if result.created or result.updated:
            from yankao.audit.services import record

            record(
                "import_faq",
                target_type="assistant.faqentry",
                target_repr=Path(path).name,
                changes={"created": result.created, "updated": result.updated},
            )
    if result.created or result.updated:
        transaction.on_commit(_announce_change)
    return result


def _latest_local_approval(entry_ids: set[int]) -> dict[int, dt.date]:
    """Per entry, the date of its newest approved version that was not written by an import."""
    latest: dict[int, dt.date] = {}
    versions = (
        FaqVersion.objects.filter(entry_id__in=entry_ids, status=VersionStatus.APPROVED)
        .exclude(note=IMPORT_NOTE)
        .values_list("entry_id", "decided_at", "submitted_at")
    )
    for entry_id, decided, submitted in versions:
        when = timezone.localdate(decided or submitted)
        if entry_id not in latest or when > latest[entry_id]:
            latest[entry_id] = when
    return latest


def _announce_change() -> None:
    """Tell the answering index (and anyone else) that published entries changed."""
    try:
        from . import faq
    except ImportError:  # the editing service is not there yet: the index checks by itself
        return
    signal = getattr(faq, "faq_changed", None)
    if signal is not None:
        signal.send_robust(sender=FaqEntry)


SYNONYMS_PATH = Path(__file__).resolve().parents[1] / "data" / "synonyms.txt"


def load_synonyms(path: Path | str = SYNONYMS_PATH) -> int:
    """Create the shipped synonym lists whose main term no list has yet; returns how many.

    Idempotent, never deletes or overwrites: an editor's list with the same main term wins.
    """
    from ..models import Synonym

    known = {t.split(",")[0].strip() for t in Synonym.objects.values_list("terms", flat=True)}
    created = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        terms = [t.strip() for t in line.split(",") if t.strip()]
        if not terms or line.startswith("#") or terms[0] in known:
            continue
        Synonym.objects.create(terms=",".join(terms))
        known.add(terms[0])
        created += 1
    return created
