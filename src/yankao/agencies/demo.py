"""Demo step: the real agency list, one login per role, and agency staff at --scale."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from yankao.core.demo import DemoContext

from .models import Agency, AgencyKind, User
from .roles import RoleCode
from .services import load_agencies, rdec_code, set_roles

# username, role, agency code, full name, job title
DEMO_LOGINS: list[tuple[str, str, str, str, str]] = [
    ("admin", RoleCode.RDEC_ADMIN, "397220000A", "林志明", "資訊室主任"),
    ("rdec.case", RoleCode.RDEC_CASE_OFFICER, "397220000A", "陳雅婷", "聯合服務中心專員"),
    ("operator", RoleCode.HOTLINE_OPERATOR, "397220000A", "黃柏翰", "1999 話務員"),
    ("planner", RoleCode.PLAN_CONTROLLER, "397220000A", "張淑芬", "管制考核組研究員"),
    ("inspector", RoleCode.INSPECTOR, "397220000A", "吳建宏", "工程查核小組技正"),
    ("pwb.officer", RoleCode.AGENCY_CASE_OFFICER, "397110000G", "李宗翰", "工務局承辦人"),
    ("pwb.chief", RoleCode.AGENCY_SUPERVISOR, "397110000G", "王美玲", "工務局科長"),
    ("epb.officer", RoleCode.AGENCY_CASE_OFFICER, "397150000I", "蔡佳蓉", "環保局承辦人"),
    ("viewer", RoleCode.VIEWER, "397000000A", "鄭文傑", "市長室秘書"),
]

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高"
GIVEN = "志明雅婷家豪淑芬建宏美玲宗翰佳蓉俊傑怡君冠宇欣怡承恩詩涵柏翰郁婷"


def populate(context: DemoContext) -> None:
    if not Agency.objects.exists():
        result = load_agencies()
        context.summary.append(f"機關：載入 {result.created} 個")
    password = make_password(settings.YANKAO_DEMO_PASSWORD)
    agencies = {a.code: a for a in Agency.objects.all()}
    for username, role, code, full_name, title in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "agency": agencies.get(code),
                "full_name": full_name,
                "job_title": title,
                "password": password,
                "is_staff": role == RoleCode.RDEC_ADMIN,
                "is_superuser": False,
                "email": f"{username}@example.kcg.gov.tw",
            },
        )
        if created:
            set_roles(user, [role])
        context.logins.append((username, str(RoleCode(role).label), str(user.agency or "")))

    # Case officers in every active agency and district office, `scale` each.
    targets = [
        a
        for a in agencies.values()
        if a.active and a.kind != AgencyKind.CITY and a.code != rdec_code()
    ]
    created = 0
    for agency in context.progress(targets, total=len(targets), desc="people"):
        for n in range(1, context.scale + 1):
            username = f"{agency.code.lower()}-{n:03d}"
            if User.objects.filter(username=username).exists():
                continue
            name = (
                context.rng.choice(SURNAMES)
                + context.rng.choice(GIVEN[0::2])
                + context.rng.choice(GIVEN[1::2])
            )
            user = User.objects.create(
                username=username,
                agency=agency,
                full_name=name,
                job_title="承辦人",
                password=password,
            )
            set_roles(user, [RoleCode.AGENCY_CASE_OFFICER])
            created += 1
    context.summary.append(f"人員：新增機關承辦人 {created} 位")
