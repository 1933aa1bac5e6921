"""脱敏: masking for lists and public documents (DESIGN.md mechanism 6)."""

import re

_DIGITS = re.compile(r"\d")


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
