"""What the petitioner and the agencies are told, and when (after the change is committed)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yankao.agencies.models import User
from yankao.agencies.roles import RoleCode
from yankao.agencies.services import rdec_code
from yankao.workdays.roc import format_roc

from .models import END_STATUSES, Case, CaseReminder, ReminderKind
from .senders import notify_petitioner

logger = logging.getLogger("yankao.cases.notify")


def _later(send: callable) -> None:  # type: ignore[valid-type]
    transaction.on_commit(send)


def reply_sent(case: Case, handling: str) -> None:
    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Reply to your case %(number)s") % {"number": case.number}
            notify_petitioner(case.petitioner, subject, handling)

    _later(send)


def message(case: Case, subject: str, text: str) -> None:
    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            notify_petitioner(case.petitioner, subject, text)

    _later(send)


def deadline_moved(case: Case, new_deadline: dt.datetime) -> None:
    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Your case %(number)s: new date") % {"number": case.number}
            text = _("The agency needs more time; the reply is now due by %(date)s.") % {
                "date": format_roc(new_deadline)
            }
            notify_petitioner(case.petitioner, subject, text)

    _later(send)


def _agency_recipients(agency_id: int | None) -> list[str]:
    people = User.objects.filter(
        agency_id=agency_id,
        is_active=True,
        roles__code__in=[RoleCode.AGENCY_CASE_OFFICER, RoleCode.AGENCY_SUPERVISOR],
    ).exclude(email="")
    emails = sorted(set(people.values_list("email", flat=True)))
    return emails


def _commission_recipients() -> list[str]:
    people = User.objects.filter(
        agency__code=rdec_code(), is_active=True, roles__code=RoleCode.RDEC_CASE_OFFICER
    ).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind agencies before deadlines and tell the commission when one passes; idempotent."""
    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.YANKAO_CASE_REMINDER_HOURS)
    sent = {ReminderKind.DUE_SOON: 0, ReminderKind.OVERDUE: 0}
    open_cases = Case.objects.exclude(status__in=END_STATUSES).exclude(deadline_at=None)
    batches = {
        ReminderKind.DUE_SOON: open_cases.filter(deadline_at__gt=now, deadline_at__lte=soon),
        ReminderKind.OVERDUE: open_cases.filter(deadline_at__lte=now),
    }
    with translation.override(settings.LANGUAGE_CODE):
        for kind, cases in batches.items():
            done = CaseReminder.objects.filter(kind=kind, case__in=cases).values_list(
                "case_id", "deadline_at"
            )
            already = set(done)
            for case in cases.select_related("lead_agency").iterator():
                if (case.pk, case.deadline_at) in already:
                    continue
                if kind == ReminderKind.DUE_SOON:
                    to = _agency_recipients(case.lead_agency_id)
                    subject = _("Case %(number)s is due by %(date)s") % {
                        "number": case.number,
                        "date": format_roc(case.deadline_at),
                    }
                else:
                    to = _commission_recipients() + _agency_recipients(case.lead_agency_id)
                    subject = _("Case %(number)s is overdue (%(agency)s)") % {
                        "number": case.number,
                        "agency": case.lead_agency or "-",
                    }
                try:
                    with transaction.atomic():
                        CaseReminder.objects.create(
                            case=case,
                            kind=kind,
                            deadline_at=case.deadline_at,
                            sent_at=now,
                            recipients=to,
                        )
                except IntegrityError:
                    continue  # another worker sent it
                if to:
                    send_mail(
                        subject, f"{case.number} {case.subject}", settings.DEFAULT_FROM_EMAIL, to
                    )
                sent[kind] += 1
    return {str(k): v for k, v in sent.items()}
