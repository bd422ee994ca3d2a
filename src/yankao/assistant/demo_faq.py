"""Demo step (after the FAQ import): the knowledge base at work. The Public Works Bureau and
the EPB have edits waiting for the commission (one adds a link, one has validity dates), one
edit was sent back with a reason, one approved, and one new entry is still a draft; all through
`services.faq` as the editors and the commission would do it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yankao.agencies.models import User
from yankao.audit.services import acting_as
from yankao.core.demo import DemoContext

from .models import FaqEntry, FaqStatus, FaqVersion
from .services import faq

MARK = "（示範）"


def _entries(user: User, n: int) -> list[FaqEntry]:
    return list(
        FaqEntry.objects.filter(agency_id=user.agency_id, status=FaqStatus.PUBLISHED)
        .exclude(versions__status="submitted")
        .order_by("pk")[:n]
    )


def _edit(entry: FaqEntry, user: User, **changes: object) -> FaqVersion:
    text = faq.FaqText(
        question=entry.question,
        answer=entry.answer,
        alternatives=entry.alternatives,
        topic=entry.topic,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
    )
    for name, value in changes.items():
        setattr(text, name, value)
    with acting_as(user):
        return faq.submit_version(entry, text, user)


def populate(context: DemoContext) -> None:
    if FaqVersion.objects.filter(note__endswith=MARK).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["pwb.officer", "epb.officer", "rdec.case"])
    }
    if len(users) < 3:
        return
    pwb, epb, commission = users["pwb.officer"], users["epb.officer"], users["rdec.case"]
    today = timezone.localdate()
    made = 0
    pwb_entries = _entries(pwb, 3)
    if len(pwb_entries) >= 3:
        linked, approved, sent_back = pwb_entries
        _edit(
            linked,
            pwb,
            answer=linked.answer
            + "\n線上申辦與進度查詢：[高雄市政府工務局](https://pwb.kcg.gov.tw/)",
            note="補上線上申辦網址" + MARK,
        )
        version = _edit(
            approved,
            pwb,
            alternatives=[*faq.alternative_lines(approved.alternatives), "這個要去哪裡問"],
            note="補充民眾常見問法" + MARK,
        )
        with acting_as(commission):
            faq.approve(version, commission)
        version = _edit(sent_back, pwb, answer="請洽本局。", note="簡化答覆" + MARK)
        with acting_as(commission):
            faq.reject(version, commission, "答覆過於簡略，請保留申辦方式與聯絡電話。")
        made += 3
    epb_entries = _entries(epb, 1)
    if epb_entries:
        _edit(
            epb_entries[0],
            epb,
            valid_from=today,
            valid_to=dt.date(today.year, 12, 31),
            note="今年度措施，年底失效" + MARK,
        )
        made += 1
    with acting_as(epb):
        faq.create_entry(
            epb.agency,
            faq.FaqText(
                question="颱風過後路樹倒塌、垃圾堆積，要找誰清運？",
                answer=(
                    "颱風過後的倒樹與垃圾，請撥 1999 或所在區清潔隊專線通報，"
                    "清潔隊將依序清運。災後清運進度請見 https://ksepb.kcg.gov.tw/"
                ),
                alternatives="颱風後垃圾很多\n颱風倒樹誰要清",
                note="新增颱風季常見問題" + MARK,
            ),
            epb,
        )
    made += 1
    context.summary.append(f"常見問答：示範編修 {made} 筆（待核定、已核定、退回、新草稿）")
