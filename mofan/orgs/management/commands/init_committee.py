from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mofan.audit.services import record, snapshot
from mofan.orgs.models import Org


class Command(BaseCommand):
    help = ("新服务器上建立最上级的机关工委（只在还没有任何单位时可用；此后机关由工委管理员在页面上新增）。"
            "之后用 issue_password 建立三员账号。")

    def add_arguments(self, parser):
        parser.add_argument("code", help="工委代码，如 xxgw")
        parser.add_argument("name", help="名称，如 某某县直属机关工委")

    def handle(self, code, name, **options):
        with transaction.atomic():
            if Org.objects.exists():
                raise CommandError("系统中已有单位；最上级的机关工委只能在空库中建立")
            org = Org.objects.create(code=code, name=name, kind=Org.COMMITTEE)
            record("create", org, after=snapshot(org))
        self.stdout.write(self.style.SUCCESS(f"已建立 {name}（代码 {code}）"))
