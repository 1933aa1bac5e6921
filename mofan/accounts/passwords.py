"""Password rules of specs/security.md beyond Django's own validators."""

import re
import secrets
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

_CLASSES = [
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"\d")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
]


class CharacterClassValidator:
    def __init__(self, min_classes=None):
        self.min_classes = min_classes or settings.MOFAN_PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        present = sum(1 for _, rx in _CLASSES if rx.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class HistoryValidator:
    """The last N passwords cannot be reused."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        n = settings.MOFAN_PASSWORD_HISTORY
        # The current password plus the n-1 before it make the last n (a reset leaves no
        # usable current one, the one it replaced being already in the history).
        current = user.password if user.password and user.has_usable_password() else None
        recent = list(user.password_history.values_list("password", flat=True)[: n - 1 if current else n])
        if current:
            recent.append(current)
        if any(check_password(password, old) for old in recent):
            raise ValidationError(f"不能使用最近 {n} 次用过的密码。", code="password_reused")

    def get_help_text(self):
        return f"不能与最近 {settings.MOFAN_PASSWORD_HISTORY} 次的密码相同。"


def generate_password(length=14) -> str:
    """A random password meeting every rule; shown once to whoever hands it over, changed
    at first login."""
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*-_=+"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(rx.search(pw) for _, rx in _CLASSES):
            return pw
