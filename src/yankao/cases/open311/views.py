"""The seven GeoReport v2 endpoints, each in JSON and XML (the format is the URL's extension).

Reads need no key (public data, as the spec intends) and go through `serializers`, which filters
and redacts; the one write needs an `ApiClient` key and goes through `services.create_case`.
Messages are zh-Hant whatever the client's Accept-Language: machine clients rarely send one, and
the services' validation messages are written for the citizen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from yankao.agencies.services import commission
from yankao.audit.models import AuditAction
from yankao.audit.services import record

from .. import services
from ..models import END_STATUSES, Case
from . import intake
from .renderers import Open311Error, render, render_error
from .serializers import (
    iso,
    public_requests,
    public_services,
    service,
    service_definition,
    service_notice,
    service_requests,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed in a way clients may notice; bump it with such a change.
CHANGESET = dt.datetime(2026, 11, 22, tzinfo=zoneinfo.ZoneInfo("Asia/Taipei"))
WINDOW = dt.timedelta(days=90)  # the spec's default and longest date range
MAX_PAGE_SIZE = 1000  # the spec's most requests per response
STATUSES = ("open", "closed")

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """Allowed methods, zh-Hant messages, and `Open311Error` rendered as the spec's errors."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    if request.method not in allowed:
                        raise Open311Error(405, [_("This method is not allowed here.")])
                    return view(request, *args, fmt=fmt, **kwargs)
                except Open311Error as error:
                    response = render_error(error, fmt)
                    if error.status == 405:
                        response["Allow"] = ", ".join(sorted(allowed))
                    return response

        # Clients authenticate with api_key in the form, never with a session cookie; exempt
        # every endpoint so a wrong method meets the spec's 405, not the CSRF page.
        return csrf_exempt(run)

    return decorate


# --- Discovery and services ----------------------------------------------------------------


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    rdec = commission()
    contact = (
        " ".join(part for part in (rdec.name_zh, rdec.phone, rdec.email, rdec.website) if part)
        if rdec
        else ""
    )
    body = {
        "changeset": iso(CHANGESET),
        "contact": contact,
        "key_service": _("API keys are issued by the commission; ask %(contact)s.")
        % {"contact": contact or _("the Research, Development and Evaluation Commission")},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": iso(CHANGESET),
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(body, fmt, root="discovery")


@open311("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [service(category) for category in public_services()]
    return render(rows, fmt, root="services", item="service")


@open311("GET")
def service_detail(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = intake.find_category(code)
    if category is None:
        raise Open311Error(404, [_("service_code: no such service; see services.json.")])
    return render(service_definition(category), fmt, root="service_definition")


# --- Requests ------------------------------------------------------------------------------


@open311("GET", "POST")
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    cases, page, size = _filtered(request)
    total = cases.count()
    rows = service_requests(cases[(page - 1) * size : page * size])
    headers = {"X-Total-Count": str(total)}
    links = _links(request, page, size, total)
    if links:
        headers["Link"] = links
    return render(rows, fmt, root="service_requests", item="request", headers=headers)


@open311("GET")
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    case = public_requests().filter(number=service_request_id.strip().upper()).first()
    if case is None:
        raise Open311Error(404, [_("service_request_id: no such request.")])
    return render(service_requests([case]), fmt, root="service_requests", item="request")


@open311("GET")
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    case = None
    if intake.TOKEN_RE.match(token):
        case = public_requests().filter(idempotency_key=token).first()
    if case is None:
        raise Open311Error(404, [_("token: no such token.")])
    row = {"service_request_id": case.number, "token": token}
    return render([row], fmt, root="service_requests", item="request")


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    """File the report once: a retry (see `intake`) answers with the case already made."""
    submission = intake.parse(request)
    case = intake.existing_case(submission.keys)
    created = False
    if case is None:
        data = dataclasses.replace(submission.intake, idempotency_key=submission.keys[0])
        try:
            with transaction.atomic():  # the case and the record of which client filed it
                case, code = services.create_case(data)
                created = bool(code)  # no code: a concurrent retry made it first
                if created:
                    record(
                        AuditAction.CREATE,
                        case,
                        actor_name=f"open311:{submission.client.name}"[:150],
                        changes={"api_client": submission.client.pk, "channel": case.channel},
                        note="Open311 POST requests",
                    )
        except ValidationError as error:
            # A concurrent retry may have filed it first: the model's unique check on the key
            # then fails before the database's would (services.create_case only catches the
            # latter). That is a replay, not bad input.
            case = intake.existing_case(submission.keys)
            if case is None:
                raise intake.validation_errors(error) from error
    row = {
        "service_request_id": case.number,
        "token": case.idempotency_key,
        "service_notice": service_notice(case),
        "account_id": request.POST.get("account_id", "").strip() or None,
    }
    status = 201 if created else 200
    return render([row], fmt, root="service_requests", item="request", status=status)


def _csv(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _when(raw: str, name: str, *, end: bool) -> dt.datetime:
    """A W3C date or date-time; no zone means Taiwan time, a bare end date means its whole day."""
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw.strip())
    try:
        value = parse_datetime(text)
        day = parse_date(text) if value is None else None
    except ValueError:
        value = day = None
    if day is not None:
        value = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if value is None:
        raise Open311Error(
            400,
            [_("%(name)s: not a date-time such as 2026-01-31T00:00:00+08:00.") % {"name": name}],
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _number(raw: str | None, name: str, default: int, highest: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= highest:
        raise Open311Error(
            400,
            [_("%(name)s: a whole number from 1 to %(max)s.") % {"name": name, "max": highest}],
        )
    return value


def _filtered(request: HttpRequest) -> tuple[QuerySet[Case], int, int]:
    """The spec's filters, the default 90-day window, and the page asked for."""
    query = request.GET
    page = _number(query.get("page"), "page", 1, 10**6)
    size = _number(query.get("page_size"), "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    cases = public_requests()
    numbers = _csv(query.get("service_request_id"))
    if numbers:  # the spec: it overrides every other filter
        cases = cases.filter(number__in=[number.upper() for number in numbers])
        return cases.order_by("-received_at", "-pk"), page, size
    codes = _csv(query.get("service_code"))
    if codes:
        cases = cases.filter(category__code__in=codes)
    wanted = set(_csv(query.get("status")))
    if wanted - set(STATUSES):
        raise Open311Error(400, [_("status: open, closed or both (comma-separated).")])
    if wanted == {"open"}:
        cases = cases.exclude(status__in=END_STATUSES)
    elif wanted == {"closed"}:
        cases = cases.filter(status__in=END_STATUSES)
    start_raw, end_raw = query.get("start_date", ""), query.get("end_date", "")
    start = _when(start_raw, "start_date", end=False) if start_raw.strip() else None
    end = _when(end_raw, "end_date", end=True) if end_raw.strip() else None
    if start is None and end is None:
        start = timezone.now() - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end is not None and end < start:
        raise Open311Error(400, [_("end_date: must not be before start_date.")])
    if end is not None and end - start > WINDOW:
        raise Open311Error(400, [_("start_date, end_date: at most 90 days apart.")])
    cases = cases.filter(received_at__gte=start)
    if end is not None:
        cases = cases.filter(received_at__lte=end)
    return cases.order_by("-received_at", "-pk"), page, size


def _links(request: HttpRequest, page: int, size: int, total: int) -> str:
    """RFC 8288 links to the neighbouring pages (the pagination extension keeps bodies bare)."""
    query = request.GET.copy()
    links = []
    for rel, number in (("prev", page - 1), ("next", page + 1)):
        if number < 1 or (number - 1) * size >= total:
            continue
        query["page"] = str(number)
        query["page_size"] = str(size)
        url = request.build_absolute_uri(request.path + "?" + urlencode(sorted(query.items())))
        links.append(f'<{url}>; rel="{rel}"')
    return ", ".join(links)
