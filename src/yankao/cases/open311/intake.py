"""POST requests: from a GeoReport form to `services.create_case`, once per real report.

Idempotency rule (a retried POST never makes a second case):

* Explicit token: the `Idempotency-Key` header, else the form field `attribute[external_id]` or
  `attribute[fixmystreet_id]` (the client's own report id, which FixMyStreet-style clients send).
  Same client + same token → the same case, for ever, whatever else the retry carries.
* Otherwise a fingerprint of everything the client sent except `api_key` and `jurisdiction_id`
  (service_code, lat, long, address_string, address_id, description, e-mail, phone, names,
  device_id, account_id, media_url, every attribute[...]), with the Taiwan date of receipt.
  Same client + same content on the same day or the day after → the same case; the same words
  filed again two days later are a new report.

Both become `Case.idempotency_key` = "o311-" + HMAC-SHA256(SECRET_KEY, client id + token or
fingerprint) in hex. The HMAC keeps the petitioner's contact details out of the key, and the key
doubles as the spec's `token`, so `tokens/{token}` is a lookup on a unique column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from yankao.agencies.services import district_office_for
from yankao.workdays.models import KAOHSIUNG_DISTRICTS

from ..models import ApiClient, Case, Category, ReplyChannel
from ..services import Intake, PetitionerData, validate_intake
from .renderers import Open311Error
from .serializers import category_is_confidential, public_services

TOKEN_RE = re.compile(r"^o311-[0-9a-f]{64}$")
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
EXPLICIT_TOKEN_ATTRIBUTES = ("external_id", "fixmystreet_id")
NOT_FINGERPRINTED = frozenset({"api_key", "jurisdiction_id"})
COORDINATE = Decimal("0.000001")  # the model keeps six decimals (about 10 cm)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Where each intake error belongs among the client's own parameters.
FIELD_NAMES = {
    "case_type": "service_code",
    "category": "service_code",
    "channel": "api_key",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "district": "address_string",
    "subject": "attribute[title]",
}


@dataclass(frozen=True)
class Submission:
    intake: Intake
    client: ApiClient
    keys: tuple[str, ...]  # the key to file under first, then older keys that count as the same


def client_for(form: QueryDict) -> ApiClient:
    """The active client whose key this is; 403 otherwise (the spec's code for api_key)."""
    key = form.get("api_key", "").strip()
    client = None
    if key:
        digest = hashlib.sha256(key.encode()).hexdigest()
        client = ApiClient.objects.filter(key_hash=digest, active=True).first()
    if client is None:
        raise Open311Error(403, [_("api_key: missing, unknown or no longer active.")])
    return client


def attributes(form: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in form:
        match = ATTRIBUTE_RE.match(name)
        if match:
            found.setdefault(match.group(1), []).extend(form.getlist(name))
    return found


def _coordinate(raw: str, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.setdefault(name, []).append(
            _("%(name)s: not a decimal number of degrees (WGS84).") % {"name": name}
        )
        return None
    return value.quantize(COORDINATE, rounding=ROUND_HALF_EVEN)


def _district(address: str) -> str:
    """The district named in the address, if its district office is known (routing needs it)."""
    found = [(address.find(name), name) for name in KAOHSIUNG_DISTRICTS if name in address]
    if not found:
        return ""
    name = min(found)[1]
    return name if district_office_for(name) is not None else ""


def _full_name(first: str, last: str) -> str:
    """Chinese names are family name first and unspaced; others as the client wrote them."""
    if CJK.search(first + last):
        return f"{last}{first}"
    return " ".join(part for part in (first, last) if part)


def _petitioner(form: QueryDict) -> PetitionerData:
    email = form.get("email", "").strip()
    phone = form.get("phone", "").strip()
    name = _full_name(form.get("first_name", "").strip(), form.get("last_name", "").strip())
    if email:
        channel = ReplyChannel.EMAIL
    elif phone:
        channel = ReplyChannel.PHONE
    else:
        channel = ReplyChannel.NONE
    return PetitionerData(
        name=name,
        phone=phone,
        email=email,
        anonymous=not (name or email or phone),
        reply_channel=channel,
    )


def _extras(form: QueryDict, errors: dict[str, list[str]]) -> list[str]:
    """Lines for the links and address id the case has no field for yet (kept in its text)."""
    lines = []
    check = URLValidator(schemes=["http", "https"])
    for url in (url.strip() for url in form.getlist("media_url")):
        if not url:
            continue
        try:
            check(url)
        except ValidationError:
            errors.setdefault("media_url", []).append(_("media_url: not an http or https address."))
            continue
        lines.append(f"media_url: {url}")
    address_id = form.get("address_id", "").strip()
    if address_id:
        lines.append(f"address_id: {address_id}")
    return lines


def _key(client: ApiClient, *parts: str) -> str:
    message = json.dumps([client.pk, *parts], ensure_ascii=False).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"o311-{digest}"


def idempotency_keys(
    client: ApiClient, form: QueryDict, headers: Mapping[str, str], today: dt.date
) -> tuple[str, ...]:
    """The key to file under, then the keys of earlier submissions that count as this one."""
    token = headers.get("Idempotency-Key", "").strip()
    extras = attributes(form)
    for name in EXPLICIT_TOKEN_ATTRIBUTES:
        if not token and extras.get(name):
            token = extras[name][0].strip()
    if token:
        return (_key(client, "token", token),)
    content = {
        name: sorted(value.strip() for value in form.getlist(name))
        for name in sorted(form)
        if name not in NOT_FINGERPRINTED
    }
    fingerprint = json.dumps(content, ensure_ascii=False, sort_keys=True)
    yesterday = today - dt.timedelta(days=1)
    return (
        _key(client, "content", today.isoformat(), fingerprint),
        _key(client, "content", yesterday.isoformat(), fingerprint),
    )


def parse(request: HttpRequest) -> Submission:
    """Check the key, then the whole form: every problem at once, as one 400 error per field."""
    form = request.POST
    client = client_for(form)
    errors: dict[str, list[str]] = {}
    code = form.get("service_code", "").strip()
    category = find_category(code) if code else None
    if category is None:
        errors["service_code"] = [
            _("service_code: no such service; see services.json.")
            if code
            else _("service_code: required.")
        ]
    lat = _coordinate(form.get("lat", ""), "lat", errors)
    long = _coordinate(form.get("long", ""), "long", errors)
    if "lat" in errors or "long" in errors:
        lat = long = None  # reported once, not again as "give both" by the services
    address = form.get("address_string", "").strip()
    located = (lat is not None and long is not None) or address or form.get("address_id", "")
    if not located and "lat" not in errors and "long" not in errors:
        errors["lat"] = [_("Location: give lat and long, address_string or address_id.")]
    extras = _extras(form, errors)
    intake = None
    if category is not None:
        intake = Intake(
            case_type=category.case_type,
            channel=client.channel,
            description=form.get("description", "").strip(),
            subject=attributes(form).get("title", [""])[0].strip(),
            category=category,
            petitioner=_petitioner(form),
            district=_district(address),
            address=address,
            latitude=lat,
            longitude=long,
            confidential=category_is_confidential(category),
        )
        # The services judge the citizen's own text, before the extra lines are added.
        for field, messages in validate_intake(intake).items():
            errors.setdefault(FIELD_NAMES.get(field, field), []).extend(messages)
    if errors or intake is None:
        raise Open311Error(400, [" ".join(messages) for messages in errors.values()])
    if extras:
        intake = replace(intake, description="\n\n".join([intake.description, "\n".join(extras)]))
    keys = idempotency_keys(client, form, request.headers, timezone.localdate())
    return Submission(intake=intake, client=client, keys=keys)


def validation_errors(error: ValidationError) -> Open311Error:
    """The case model's own checks (e.g. address length): one error per client parameter.

    These messages are Django's generic ones without a field label, so each is prefixed with
    the parameter it is about.
    """
    if not hasattr(error, "error_dict"):
        return Open311Error(400, [" ".join(error.messages)])
    merged: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        merged.setdefault(FIELD_NAMES.get(field, field), []).extend(messages)
    return Open311Error(400, [f"{name}: {' '.join(texts)}" for name, texts in merged.items()])


def existing_case(keys: tuple[str, ...]) -> Case | None:
    return Case.objects.filter(idempotency_key__in=keys).order_by("received_at").first()


def find_category(code: str) -> Category | None:
    return public_services().filter(code=code).first()
