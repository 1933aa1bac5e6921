from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from mofan.core import nav
        from mofan.core.scoping import SECADMIN, SYSADMIN

        nav.register("system", "账号管理", "accounts:user_list", roles=[SYSADMIN, SECADMIN])
