from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from mofan.core import nav

        from .rules import ACCOUNT_MANAGERS, DELIVERERS

        nav.register("system", "账号管理", "accounts:user_list", roles=ACCOUNT_MANAGERS)
        nav.register("system", "密码发放", "accounts:handover", roles=DELIVERERS)
