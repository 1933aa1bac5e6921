"""Amounts of money: stored in 元 as exact decimals, shown in 元, 万元 or 亿元.

No float ever touches an amount: an Excel cell that arrives as a float is read through
its shortest text (``repr``), so 0.1 stays 0.1, and a figure in 万元 is the amount in 元
divided by 10 000 exactly, rounded half up only for display.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MAX_YUAN = Decimal("9999999999999.99")  # max_digits=15, decimal_places=2

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")


class AmountError(ValueError):
    """A text that is not an amount in 元 (the reason is Chinese, for the user)."""


def parse_yuan(value) -> Decimal | None:
    """An amount in 元 from a cell or a form: ``12,345.6``, ``12345.60元``, 12345.6 (a number
    cell). At most two decimals (分); never negative; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError("不是金额")
    if isinstance(value, int | float | Decimal):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = str(value).strip()
    if text == "":
        return None
    plain = text.replace(",", "").replace("，", "").removesuffix("元").strip()
    if plain.startswith("-"):
        raise AmountError(f"“{text}”为负数，金额不能为负")
    if not _AMOUNT.fullmatch(plain):
        if "万" in plain or "亿" in plain:
            raise AmountError(f"“{text}”：金额请按“元”填写数字，如 120000")
        raise AmountError(f"“{text}”不是金额，请填写以元为单位的数字，如 120000 或 3500.50")
    try:
        amount = Decimal(plain)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guarantees it
        raise AmountError(f"“{text}”不是金额") from exc
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(f"“{text}”超过两位小数（金额精确到分）")
    if amount > MAX_YUAN:
        raise AmountError(f"“{text}”超出金额上限")
    return amount.quantize(CENT)


def in_wan(amount, places=2) -> Decimal | None:
    """元 → 万元, rounded half up to ``places`` decimals (None stays None)."""
    if amount is None:
        return None
    return (Decimal(amount) / WAN).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def in_yi(amount, places=2) -> Decimal | None:
    """元 → 亿元, rounded half up to ``places`` decimals (None stays None)."""
    if amount is None:
        return None
    return (Decimal(amount) / YI).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yuan(amount) -> str:
    """How a page shows an amount, exactly: whole hundreds of 元 in 万元 or 亿元 (950 万元,
    1.2 亿元), anything finer in 元 with separators (10,738 元, 7,921.62 元)."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if amount % 100 == 0 and abs(amount) >= YI:
        return f"{_trim(amount / YI)} 亿元"
    if amount % 100 == 0 and abs(amount) >= WAN:
        return f"{_trim(amount / WAN)} 万元"
    return f"{_trim(amount.quantize(CENT))} 元"


def _trim(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
