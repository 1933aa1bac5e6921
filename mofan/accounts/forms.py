from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.utils import timezone

from mofan.audit.middleware import client_ip
from mofan.core.scoping import ROLE_CHOICES
from mofan.orgs.models import Org, Person

from .models import User
from .services import locked_until, note_login_attempt, set_password

GENERIC_FAILURE = "用户名或密码错误。"


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username", "").strip()
        password = self.cleaned_data.get("password", "")
        if not username or not password:
            return self.cleaned_data
        ip = client_ip(self.request)
        # Locks apply to typed names, existing or not, so the reply reveals nothing.
        until = locked_until(username)
        if until:
            note_login_attempt(username, ip, False, reason="locked")
            minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
            raise forms.ValidationError(
                f"登录失败次数过多，该账号已锁定，请 {minutes} 分钟后再试。", code="locked"
            )
        user = authenticate(self.request, username=username, password=password)
        if user is None or user.is_expired:
            known = User.objects.filter(username__iexact=username).first()
            note_login_attempt(username, ip, False, user=known, reason="bad_credentials")
            if locked_until(username):
                raise forms.ValidationError(
                    "登录失败次数过多，该账号已锁定，请 15 分钟后再试。", code="locked"
                )
            raise forms.ValidationError(GENERIC_FAILURE, code="invalid_login")
        if not user.role:
            # The password was right, so saying why reveals nothing to a guesser.
            raise forms.ValidationError("账号尚未分配角色，请联系安全管理员。", code="no_role")
        self.user = user  # the view records the success, after any second factor
        return self.cleaned_data


class OTPForm(forms.Form):
    code = forms.CharField(label="动态验证码", min_length=6, max_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError("原密码不正确。")
        return self.cleaned_data["old_password"]

    def save(self, commit=True):
        set_password(self.user, self.cleaned_data["new_password1"], by=self.user)
        return self.user


class AccountCreateForm(forms.ModelForm):
    """System administrator: a new account — no role and no person (those are the
    security administrator's), and no password shown (its deliverer issues one)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "org", "expires_on"]
        labels = {"first_name": "姓名", "org": "所属单位"}
        help_texts = {"org": "账号所在的机关或股室：初始密码由该机关的单位管理员发放"}
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(path__startswith=actor.org.path)
        self.fields["org"].required = True


class AccountForm(forms.ModelForm):
    """Lifecycle manager: who the account is and whether it may log in (not its role)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "is_active", "expires_on"]
        labels = {"first_name": "姓名", "is_active": "启用（取消勾选即停用，停用后不能登录）"}
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].help_text = "未绑定人员的账号以此显示"


class RoleForm(forms.ModelForm):
    """Security administrator: role, scope and person, one role per account (三员分立)."""

    role = forms.ChoiceField(label="角色", choices=[("", "请选择")] + ROLE_CHOICES)

    class Meta:
        model = User
        fields = ["role", "org", "person"]
        help_texts = {"person": "账号对应的人员；须属于管理范围内的单位"}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["org"].queryset = Org.objects.filter(path__startswith=actor.org.path)
        self.fields["org"].required = True
        taken = Q(user__isnull=True)
        if self.instance.pk:
            taken |= Q(user=self.instance)
        self.fields["person"].queryset = (
            Person.objects.filter(org__path__startswith=actor.org.path).filter(taken)
        )

    def clean(self):
        data = super().clean()
        org, person = data.get("org"), data.get("person")
        if org is not None and person is not None and not person.org.path.startswith(org.path):
            self.add_error("person", "对应人员须属于所选管理范围内的单位。")
        return data
