"""The supervision meeting record (會議紀錄) as Word: agenda with each plan's standing, decisions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yankao.web.documents import new_document, save, table
from yankao.workdays.roc import format_roc

from .models import FollowUp, ProgressStatus, ReviewedPlan, SupervisionMeeting


def meeting_docx(
    meeting: SupervisionMeeting, agenda: list[ReviewedPlan], follow_ups: list[FollowUp]
) -> bytes:
    document = new_document(meeting.title)
    facts = [
        (_("held on"), format_roc(meeting.held_on, "date")),
        (_("month reviewed"), format_roc(meeting.report_month, "month")),
        (_("chair"), meeting.chair or "—"),
    ]
    for label, value in facts:
        document.add_paragraph(f"{label}：{value}")
    if meeting.minutes:
        document.add_heading(_("minutes"), level=1)
        document.add_paragraph(meeting.minutes)
    document.add_heading(_("Plans reviewed"), level=1)
    table(
        document,
        [_("plan code"), _("plan name"), _("owning agency"), _("progress status"), _("lag")],
        [
            [
                row.plan.code,
                row.plan.name,
                str(row.plan.agency),
                ProgressStatus(row.progress_status).label if row.progress_status else "—",
                "—" if row.lag is None else f"{row.lag}",
            ]
            for row in agenda
        ],
    )
    document.add_heading(_("Decisions and follow-up"), level=1)
    if follow_ups:
        table(
            document,
            [_("No."), _("decision"), _("plan"), _("owner agency"), _("due date"), _("status")],
            [
                [
                    str(number),
                    item.decision,
                    item.plan.code if item.plan else "—",
                    str(item.agency),
                    format_roc(item.due_date, "date"),
                    item.get_status_display(),
                ]
                for number, item in enumerate(follow_ups, start=1)
            ],
        )
    else:
        document.add_paragraph(_("No decisions recorded."))
    return bytes(save(document))
