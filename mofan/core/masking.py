"""脱敏: masking for lists and public documents (DESIGN.md mechanism 6)."""

import re

from django.core.exceptions import ValidationError

_DIGITS = re.compile(r"\d")
# An 11-digit mobile (13x–19x) or a landline with its area code: 0797-8123456, 010-12345678.
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")


def validate_phone(value: str) -> None:
    """Every phone number the system keeps passes this one rule (forms and imports)."""
    if value and not PHONE.fullmatch(value):
        raise ValidationError("电话应为 11 位手机号（如 13812345678）或带区号的固定电话（如 0797-8123456）",
                              code="phone")


def mask_phone(phone: str) -> str:
    """138****1234 — lists never show a whole phone number."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_figures(text: str) -> str:
    """Replace every digit with ``*``, keeping ``.``, ``%`` and units: 123.4万人次 → ***.*万人次."""
    return _DIGITS.sub("*", text)


def mask_places(text: str, places) -> str:
    """Replace each character of every listed place name with ``*``; longest names first."""
    for name in sorted({p for p in places if p}, key=len, reverse=True):
        text = text.replace(name, "*" * len(name))
    return text
