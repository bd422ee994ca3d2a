"""FAQ knowledge base rules: the owning agency writes versions, the commission approves or
rejects them, stale edits are refused, validity dates bound what citizens see; answers render
as text with http(s) links only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from yankao.assistant.markup import links, plain_answer, render_answer
from yankao.assistant.models import FaqEntry, FaqStatus, FaqVersion, Topic, VersionStatus
from yankao.assistant.services import faq
from yankao.audit.models import AuditAction, AuditEntry

TODAY = dt.date(2026, 3, 2)


def text(**overrides: Any) -> faq.FaqText:
    values: dict[str, Any] = {
        "question": "路燈不亮要找誰修？",
        "answer": "請撥 1999 或上網通報：[路燈報修](https://pwbmo.kcg.gov.tw/)",
        "alternatives": "街燈壞了\n\n路燈故障怎麼報修\n街燈壞了",
    }
    values.update(overrides)
    return faq.FaqText(**values)


@pytest.fixture
def entry(people: dict[str, Any], agencies: dict[str, Any]) -> FaqEntry:
    return faq.create_entry(agencies["pwb"], text(), people["pwb_officer"])


@pytest.fixture
def changes(monkeypatch: Any) -> list[tuple[int, str]]:
    seen: list[tuple[int, str]] = []

    def receiver(sender: Any, entry: FaqEntry, action: str, **kwargs: Any) -> None:
        seen.append((entry.pk, action))

    faq.faq_changed.connect(receiver, weak=False, dispatch_uid="test-faq-changed")
    yield seen
    faq.faq_changed.disconnect(dispatch_uid="test-faq-changed")


def test_a_new_entry_is_a_draft_with_its_first_version_submitted(
    entry: FaqEntry, people: dict[str, Any]
) -> None:
    assert entry.status == FaqStatus.DRAFT and entry.version == 0
    [version] = entry.versions.all()
    assert version.number == 1 and version.status == VersionStatus.SUBMITTED
    assert version.submitted_by == people["pwb_officer"] and version.based_on == 0
    # Alternatives are one a line, blank lines and repeats dropped.
    assert version.alternatives == "街燈壞了\n路燈故障怎麼報修"
    assert faq.published_entries(TODAY).count() == 0


def test_approval_publishes_the_version_and_counts_it(
    entry: FaqEntry,
    people: dict[str, Any],
    changes: list[tuple[int, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    topic = Topic.objects.create(name="道路")
    version = faq.submit_version(
        entry, text(answer="新答案", topic=topic, note="改寫"), people["pwb_officer"]
    )
    assert version.number == 2 and version.based_on == 0
    first = entry.versions.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        faq.approve(version, people["rdec_case"])
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED and entry.version == 1
    assert entry.answer == "新答案" and entry.topic == topic
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED and version.decided_by == people["rdec_case"]
    assert changes == [(entry.pk, "approved")]
    # The audit log has the decision and the tracked change of the entry.
    assert AuditEntry.objects.filter(
        action=AuditAction.STATUS, target_id=str(entry.pk), actor=people["rdec_case"]
    ).exists()
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, target_id=str(entry.pk)).exists()
    # Version 1 was written on the same (unapproved) text: it is now stale.
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        faq.approve(first, people["rdec_case"])
    assert refused.value.messages[0].startswith("Version 1 was written before another edit")
    entry.refresh_from_db()
    assert entry.answer == "新答案" and entry.version == 1
    # A decided version cannot be decided again.
    with pytest.raises(ValidationError):
        faq.approve(version, people["rdec_case"])
    assert list(faq.published_entries(TODAY)) == [entry]


def test_a_stale_version_is_refused_with_a_zh_hant_message(
    entry: FaqEntry, people: dict[str, Any]
) -> None:
    faq.approve(entry.versions.get(number=1), people["rdec_case"])
    entry.refresh_from_db()
    first_edit = faq.submit_version(entry, text(answer="甲"), people["pwb_officer"])
    second_edit = faq.submit_version(entry, text(answer="乙"), people["pwb_officer"])
    assert first_edit.based_on == second_edit.based_on == 1
    faq.approve(second_edit, people["rdec_case"])
    assert faq.is_stale(first_edit)
    with translation.override("zh-hant"), pytest.raises(ValidationError) as refused:
        faq.approve(first_edit, people["rdec_case"])
    assert "核定" in refused.value.messages[0]
    entry.refresh_from_db()
    assert entry.answer == "乙" and entry.version == 2
    # Rejecting it is still possible (with a reason).
    faq.reject(first_edit, people["rdec_case"], "已有較新版本")
    first_edit.refresh_from_db()
    assert first_edit.status == VersionStatus.REJECTED and first_edit.decision_note


def test_reject_needs_a_reason_and_leaves_the_entry(
    entry: FaqEntry, people: dict[str, Any]
) -> None:
    version = entry.versions.get()
    with pytest.raises(ValidationError) as missing:
        faq.reject(version, people["rdec_case"], "  ")
    assert "reason" in missing.value.message_dict
    faq.reject(version, people["rdec_case"], "答案缺少申辦地點")
    entry.refresh_from_db()
    assert entry.status == FaqStatus.DRAFT and entry.version == 0
    assert AuditEntry.objects.filter(action=AuditAction.STATUS, target_id=str(entry.pk)).exists()


def test_permissions(entry: FaqEntry, people: dict[str, Any], agencies: dict[str, Any]) -> None:
    version = entry.versions.get()
    # Another agency edits neither this entry nor creates entries for the PWB.
    with pytest.raises(PermissionDenied):
        faq.submit_version(entry, text(), people["epb_officer"])
    with pytest.raises(PermissionDenied):
        faq.create_entry(agencies["pwb"], text(), people["epb_officer"])
    # The read-only viewer edits nothing.
    with pytest.raises(PermissionDenied):
        faq.submit_version(entry, text(), people["viewer"])
    # The owning agency cannot approve or reject its own edits.
    with pytest.raises(PermissionDenied):
        faq.approve(version, people["pwb_officer"])
    with pytest.raises(PermissionDenied):
        faq.reject(version, people["pwb_chief"], "不行")
    # The PWB's supervisor also writes for its Road Maintenance Office below it.
    assert faq.may_edit_entry(people["pwb_chief"], entry)
    assert set(faq.editable_agencies(people["pwb_chief"])) == {agencies["pwb"], agencies["road"]}
    assert set(faq.editable_agencies(people["pwb_officer"])) == {agencies["pwb"]}
    assert not faq.editable_agencies(people["viewer"]).exists()
    assert faq.editable_agencies(people["rdec_case"]).count() == len(agencies)
    faq.approve(version, people["admin"])
    entry.refresh_from_db()
    # Retire: the owning agency or the commission; republish: the commission only.
    with pytest.raises(PermissionDenied):
        faq.retire(entry, people["epb_officer"])
    faq.retire(entry, people["pwb_officer"])
    with pytest.raises(PermissionDenied):
        faq.republish(entry, people["pwb_officer"])
    faq.republish(entry, people["rdec_case"])
    assert entry.status == FaqStatus.PUBLISHED


def test_retire_and_republish(
    entry: FaqEntry,
    people: dict[str, Any],
    changes: list[tuple[int, str]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(ValidationError):
        faq.retire(entry, people["pwb_officer"])  # a draft is not on the assistant
    faq.approve(entry.versions.get(), people["rdec_case"])
    with django_capture_on_commit_callbacks(execute=True):
        faq.retire(entry, people["pwb_officer"])
    assert entry.status == FaqStatus.RETIRED and not faq.published_entries(TODAY).exists()
    with pytest.raises(ValidationError):
        faq.retire(entry, people["pwb_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        faq.republish(entry, people["rdec_case"])
    assert list(faq.published_entries(TODAY)) == [entry]
    assert [a for _pk, a in changes] == ["retired", "republished"]
    with pytest.raises(ValidationError):
        faq.republish(entry, people["rdec_case"])


def test_validity_dates(entry: FaqEntry, people: dict[str, Any]) -> None:
    with translation.override("zh-hant"), pytest.raises(ValidationError) as wrong:
        faq.submit_version(
            entry,
            text(valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 30)),
            people["pwb_officer"],
        )
    assert "valid_to" in wrong.value.message_dict
    assert re.search(r"[\u4e00-\u9fff]", wrong.value.message_dict["valid_to"][0])
    version = faq.submit_version(
        entry,
        text(valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 3, 31)),
        people["pwb_officer"],
    )
    faq.reject(entry.versions.get(number=1), people["rdec_case"], "以新版為準")
    faq.approve(version, people["rdec_case"])
    assert faq.published_entries(dt.date(2026, 2, 28)).count() == 0
    assert faq.published_entries(dt.date(2026, 3, 1)).count() == 1
    assert faq.published_entries(dt.date(2026, 3, 31)).count() == 1
    assert faq.published_entries(dt.date(2026, 4, 1)).count() == 0
    # One day (from = to) is allowed.
    faq.submit_version(
        entry,
        text(valid_from=dt.date(2026, 3, 5), valid_to=dt.date(2026, 3, 5)),
        people["pwb_officer"],
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"question": "   "}, "question"),
        ({"question": "問" * 501}, "question"),
        ({"answer": ""}, "answer"),
        ({"answer": "答" * 5001}, "answer"),
        ({"answer": "請看 <a href='https://x.tw'>這裡</a>"}, "answer"),
        ({"answer": "<script>alert(1)</script>"}, "answer"),
        ({"answer": "[按我](javascript:alert(1))"}, "answer"),
        ({"alternatives": "\n".join(f"問法{i}" for i in range(31))}, "alternatives"),
        ({"alternatives": "長" * 201}, "alternatives"),
        ({"note": "註" * 2001}, "note"),
    ],
)
def test_bad_text_is_refused_naming_the_field(
    entry: FaqEntry, people: dict[str, Any], overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        faq.submit_version(entry, text(**overrides), people["pwb_officer"])
    assert field in refused.value.message_dict
    assert FaqVersion.objects.filter(entry=entry).count() == 1


def test_caps_follow_the_settings(entry: FaqEntry, people: dict[str, Any], settings: Any) -> None:
    settings.YANKAO_FAQ_ANSWER_MAX_CHARS = 10
    with pytest.raises(ValidationError):
        faq.submit_version(entry, text(answer="答" * 11), people["pwb_officer"])
    faq.submit_version(entry, text(answer="答" * 10), people["pwb_officer"])


def test_synonym_terms() -> None:
    assert faq.clean_synonym_terms(" 路燈，街燈、 路燈 ") == "路燈,街燈"
    assert faq.synonym_terms("機車,摩托車;歐兜麥") == ["機車", "摩托車", "歐兜麥"]
    for bad in ["路燈", "路燈,路燈", "", "路燈,,街燈", " , "]:
        with pytest.raises(ValidationError):
            faq.clean_synonym_terms(bad)


# --- Rendering answers ---------------------------------------------------------------------


def test_links_are_rendered_and_nothing_else() -> None:
    html = render_answer(
        "請見[申辦說明](https://www.kcg.gov.tw/a?b=1&c=2)或 https://x.tw/p.html。\n"
        "<b>粗體</b> [x](javascript:alert(1)) ftp://old.tw"
    )
    assert (
        '<a href="https://www.kcg.gov.tw/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" '
        'target="_blank">申辦說明</a>' in html
    )
    assert '<a href="https://x.tw/p.html"' in html and "p.html</a>。<br>" in html
    assert "&lt;b&gt;粗體&lt;/b&gt;" in html and "javascript" not in re.findall(
        r'href="[^"]*"', html
    )
    assert "ftp://old.tw" in html and html.count("<a ") == 2
    assert [link.url for link in links("見 https://a.tw/x. 與 [b](http://b.tw)")] == [
        "https://a.tw/x",
        "http://b.tw",
    ]
    assert plain_answer("見[說明](https://a.tw)") == "見說明 (https://a.tw)"


OUR_TAGS = re.compile(
    r'<a href="https?://[^"<>]*" rel="noopener noreferrer nofollow" target="_blank">|</a>|<br>'
)
pieces = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<",
        ">",
        '"',
        "'",
        "&",
        "[",
        "]",
        "(",
        ")",
        "https://",
        "http://x.tw/",
        "javascript:",
        "<img src=x onerror=alert(1)>",
        "路燈",
        "\n",
        " ",
        "a",
        "%3Cscript",
        "=",
        "?",
        "#",
    ]
)


@given(st.lists(st.one_of(pieces, st.text(max_size=5)), max_size=30).map("".join))
@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_tag_from_the_input_ever_reaches_the_output(typed: str) -> None:
    html = str(render_answer(typed))
    assert "<script" not in html.lower()
    # Remove the only tags the renderer writes: no other "<" may remain.
    assert "<" not in OUR_TAGS.sub("", html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://"))
