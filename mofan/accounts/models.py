from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from mofan.core.scoping import (
    ADMIN_ROLES,
    ROLE_CHOICES,
    ROLE_LABELS,
    SECADMIN,
    SYSADMIN,
    Scope,
    ScopedQuerySet,
)


class UserQuerySet(ScopedQuerySet):
    """Accounts are managed by the system and security administrators of an org subtree."""

    def visible_to(self, user):
        if user.is_authenticated and user.role in (SYSADMIN, SECADMIN) and user.org_id:
            return self.filter(org__path__startswith=user.org.path)
        return super().visible_to(user)

    editable_by = visible_to


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """One account, one role (三员分立: no account holds two administrator roles)."""

    # Blank until the security administrator gives one: an account the system
    # administrator creates holds no role, no person and cannot log in (三员分立).
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES, blank=True, default="")
    org = models.ForeignKey(
        "orgs.Org", verbose_name="管理范围", null=True, blank=True, on_delete=models.PROTECT,
        help_text="工委管理员为机关工委，单位管理员为机关，负责人为其股室或单位",
    )
    person = models.OneToOneField(
        "orgs.Person", verbose_name="对应人员", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="user",
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    expires_on = models.DateField("账号有效期至", null=True, blank=True)
    # A reset (or a new account) waits here, with no usable password, until the person who
    # hands passwords over for this account issues a one-time one (see accounts/rules.py).
    reset_requested_at = models.DateTimeField("待发放密码自", null=True, blank=True, editable=False)
    reset_requested_by = models.CharField("重置人", max_length=200, blank=True, editable=False)
    password_issued_at = models.DateTimeField("密码发放时间", null=True, blank=True, editable=False)
    password_issued_by = models.CharField("密码发放人", max_length=200, blank=True, editable=False)
    # Second factor for administrator roles (等保 level 3), used when MOFAN_ADMIN_TOTP is on.
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Accounts are scoped like any row: a system administrator manages those under his org.
    scope = Scope(org="org")
    objects = ScopedUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "账号"
        ordering = ["org__path", "username"]

    def __str__(self):
        return f"{self.display_name}（{self.username}）"

    @property
    def display_name(self):
        return self.person.name if self.person_id else (self.get_full_name() or self.username)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role) if self.role else "未分配角色"

    @property
    def password_pending(self):
        return self.reset_requested_at is not None

    @property
    def is_expired(self):
        return bool(self.expires_on and self.expires_on < timezone.localdate())

    @property
    def password_expired(self):
        if self.password_changed_at is None:
            return True
        return timezone.now() - self.password_changed_at > settings.MOFAN_PASSWORD_MAX_AGE

    @property
    def needs_second_factor(self):
        return settings.MOFAN_ADMIN_TOTP and self.role in ADMIN_ROLES

    @property
    def is_dormant(self):
        last = self.last_login or self.date_joined
        return timezone.now() - last > settings.MOFAN_DORMANT_AFTER


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class LoginAttempt(models.Model):
    """Every login try, kept by the typed username so unknown accounts lock the same way."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    success = models.BooleanField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.username} {'成功' if self.success else '失败'} {self.at:%Y-%m-%d %H:%M}"
