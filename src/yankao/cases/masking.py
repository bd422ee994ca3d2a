"""Masking of citizens' personal data for everyone who does not need it (個資法)."""

from __future__ import annotations

import re

MASK = "○"


def mask_name(name: str) -> str:
    """王小明 → 王○明, 王明 → 王○: first and last character stay."""
    name = name.strip()
    if not name:
        return ""
    if len(name) == 1:
        return MASK
    if len(name) == 2:
        return name[0] + MASK
    return name[0] + MASK * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """0912345678 → 09xx-xxx-678; keeps only the first two and last three digits."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return "x" * len(digits)
    return f"{digits[:2]}xx-xxx-{digits[-3:]}"


def mask_email(email: str) -> str:
    """citizen@example.com → c******@example.com."""
    local, sep, domain = email.partition("@")
    if not sep:
        return mask_name(email)
    return (local[:1] + "*" * max(len(local) - 1, 1)) + "@" + domain


def mask_address(address: str) -> str:
    """Keep the district and road, hide lane, alley and house numbers."""
    cut = re.search(r"\d", address)
    return (address[: cut.start()] + "○○號") if cut else address


def mask_id(id_number: str) -> str:
    """A123456789 → A12*****89."""
    if len(id_number) < 5:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 5) + id_number[-2:]


MASKERS = {
    "name": mask_name,
    "phone": mask_phone,
    "email": mask_email,
    "address": mask_address,
    "id_number": mask_id,
}
