"""Review, supplement, withdraw, merge, reopen, survey, reminders, notifications, retention."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from yankao.cases import services
from yankao.cases.models import CaseReminder, CaseStatus, CaseType, Channel, ReplyChannel
from yankao.cases.notices import send_reminders
from yankao.cases.services import Intake, PetitionerData
from yankao.cases.workflow import TransitionError

pytestmark = pytest.mark.django_db(transaction=True)


def make(categories, people, category="sidewalk", **person):  # type: ignore[no-untyped-def]
    petitioner = PetitionerData(
        name="王小明", phone="0912345123", email="ming@example.com", **person
    )
    case, _ = services.create_case(
        Intake(
            case_type=CaseType.PETITION,
            channel=Channel.HOTLINE,
            category=categories[category],
            description="人行道破損",
            district="鳳山區",
            petitioner=petitioner,
        ),
        people["operator"],
    )
    return case


def test_reply_goes_to_the_petitioner_by_email(categories, people):
    case = make(categories, people)
    services.accept(case, people["road_officer"])
    services.reply(case, people["road_officer"], "已修復人行道。")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ming@example.com"]
    assert case.number in mail.outbox[0].subject


def test_reply_by_sms_through_the_pluggable_backend(categories, people, settings, tmp_path):
    settings.YANKAO_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    case = make(categories, people, reply_channel=ReplyChannel.SMS)
    services.accept(case, people["road_officer"])
    services.reply(case, people["road_officer"], "已修復人行道。")
    sent = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sent[0]["to"] == "0912345123" and "已修復" in sent[0]["text"]


def test_supervisor_review_before_sending(categories, people, agencies, make_user):
    chief = make_user("epb.chief", "agency_supervisor", "epb")
    case = make(categories, people, category="noise")
    services.accept(case, people["epb_officer"])
    services.reply(case, people["epb_officer"], "已派員稽查。")
    assert mail.outbox == []
    with pytest.raises(TransitionError):
        services.approve_reply(case, people["epb_officer"])
    services.reject_reply(case, chief, "請補充稽查結果")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    services.reply(case, people["epb_officer"], "已稽查並告發，處罰鍰新臺幣三千元。")
    services.approve_reply(case, chief)
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert len(mail.outbox) == 1 and "三千元" in mail.outbox[0].body


def test_supplement_pauses_the_clock(categories, people):
    case = make(categories, people)
    services.accept(case, people["road_officer"])
    before = case.__class__.objects.get(pk=case.pk).deadline_at
    services.request_supplement(case, people["road_officer"], "請提供照片")
    paused = case.__class__.objects.get(pk=case.pk)
    paused.paused_at = timezone.now() - dt.timedelta(days=2)
    paused.save(update_fields=["paused_at"])
    services.supplement_received(case, people["road_officer"])
    after = case.__class__.objects.get(pk=case.pk)
    assert after.status == CaseStatus.IN_PROGRESS
    assert dt.timedelta(days=2) <= after.deadline_at - before < dt.timedelta(days=2, minutes=1)


def test_withdraw_merge_and_end_states(categories, people):
    first, second, third = (make(categories, people) for _ in range(3))
    services.merge(second, people["rdec_case"], first)
    second.refresh_from_db()
    assert second.status == CaseStatus.MERGED and second.merged_into == first
    with pytest.raises(ValidationError):
        services.merge(third, people["rdec_case"], second)  # cannot merge into an ended case
    services.withdraw(third, people["rdec_case"], "陳情人來電撤回")
    third.refresh_from_db()
    assert third.status == CaseStatus.WITHDRAWN
    with pytest.raises(TransitionError):
        services.accept(third, people["road_officer"])


def test_survey_and_reopen_on_dissatisfaction(categories, people):
    case = make(categories, people)
    with pytest.raises(ValidationError):
        services.answer_survey(case, satisfied=True)
    services.accept(case, people["road_officer"])
    services.reply(case, people["road_officer"], "已修復人行道。")
    services.close(case, people["rdec_case"])
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.answer_survey(case, satisfied=False)  # a reason is needed
    response = services.answer_survey(
        case, satisfied=False, reason="not_solved", comment="還是壞的"
    )
    with pytest.raises(ValidationError):
        services.answer_survey(case, satisfied=True)
    assert list(services.dissatisfied_queue(people["rdec_case"])) == [response]
    services.review_dissatisfaction(
        response, people["rdec_case"], reopen_case=True, note="請再處理"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None
    assert case.deadline_at > timezone.now()
    assert services.visible_cases(people["road_officer"]).filter(pk=case.pk).exists()


def test_reminders_are_sent_once_per_deadline(categories, people, agencies):
    people["road_officer"].email = "road@example.kcg.gov.tw"
    people["road_officer"].save()
    people["rdec_case"].email = "rdec@example.kcg.gov.tw"
    people["rdec_case"].save()
    case = make(categories, people)
    now = case.deadline_at - dt.timedelta(hours=3)
    assert send_reminders(now) == {"due_soon": 1, "overdue": 0}
    assert send_reminders(now) == {"due_soon": 0, "overdue": 0}
    assert mail.outbox[-1].to == ["road@example.kcg.gov.tw"]
    late = case.deadline_at + dt.timedelta(minutes=1)
    assert send_reminders(late) == {"due_soon": 0, "overdue": 1}
    assert "rdec@example.kcg.gov.tw" in mail.outbox[-1].to
    assert CaseReminder.objects.count() == 2


def test_retention_anonymises_old_closed_cases(categories, people, settings):
    settings.YANKAO_CASE_RETENTION_YEARS = 1
    old = make(categories, people)
    services.withdraw(old, people["rdec_case"], "撤回")
    old.__class__.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=400)
    )
    recent = make(categories, people)
    assert services.anonymise_closed_cases() == 1
    old.petitioner.refresh_from_db()
    recent.petitioner.refresh_from_db()
    assert old.petitioner.name == "" and old.petitioner.anonymised_at is not None
    assert recent.petitioner.name == "王小明"
