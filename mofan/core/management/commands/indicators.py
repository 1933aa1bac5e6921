import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from mofan.core.indicators import REGISTRY, Period, table
from mofan.core.views import default_year
from mofan.orgs.models import Org


class Command(BaseCommand):
    help = "打印机关某年度的全部登记指标（机关代码、工委代码或 --all）；无数据为 null"

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--org", help="机关代码，如 wgxlj；工委代码则打印其下全部机关")
        who.add_argument("--all", action="store_true", help="打印全部机关")
        parser.add_argument("--year", type=int, default=default_year())
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--prefix", default="", help="只打印以此开头的指标，如 ledgers.")

    def organs(self, code, everyone):
        organs = Org.objects.filter(kind=Org.ORGAN).order_by("sort", "id")
        if everyone:
            return list(organs)
        try:
            org = Org.objects.get(code=code)
        except Org.DoesNotExist as exc:
            raise CommandError(f"找不到代码为“{code}”的机关") from exc
        if org.kind == Org.COMMITTEE:
            return list(organs.filter(path__startswith=org.path))
        if org.organ_id is None:
            raise CommandError(f"“{org.name}”不是机关或机关下属单位，没有机关指标")
        return [org.organ]

    def handle(self, *args, org, all, year, format, prefix, **options):
        organs = self.organs(org, all)
        values = table([o.pk for o in organs], Period.year(year))  # shared queries
        keys = [k for k in values if k.startswith(prefix)]
        out = {o.code: {k: {"label": REGISTRY[k].label, "unit": REGISTRY[k].unit,
                            "value": values[k][o.pk]} for k in keys} for o in organs}
        if format == "json":
            # One organ asked by its code: its indicators alone, as before.
            single = org and len(organs) == 1 and organs[0].code == org
            self.stdout.write(json.dumps(out[organs[0].code] if single else out,
                                         ensure_ascii=False, indent=2,
                                         cls=DjangoJSONEncoder))  # amounts: exact, as text
            return
        for o in organs:
            self.stdout.write(f"{o.name} {year} 年度指标")
            for key, item in out[o.code].items():
                shown = "null" if item["value"] is None else f"{item['value']} {item['unit']}"
                self.stdout.write(f"  {item['label']}：{shown}  [{key}]")
