from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from mofan.core import nav

        from .middleware import mark_login

        user_logged_in.connect(mark_login, dispatch_uid="mofan.accounts.mark_login")

        from .rules import ACCOUNT_MANAGERS, DELIVERERS

        nav.register("system", "账号管理", "accounts:user_list", roles=ACCOUNT_MANAGERS)
        nav.register("system", "密码发放", "accounts:handover", roles=DELIVERERS)
