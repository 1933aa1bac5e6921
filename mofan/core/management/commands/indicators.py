import json

from django.core.management.base import BaseCommand, CommandError

from mofan.core.indicators import REGISTRY, Period
from mofan.core.views import default_year


class Command(BaseCommand):
    help = "打印某机关某年度的全部登记指标"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="机关代码，如 wgxlj")
        parser.add_argument("--year", type=int, default=default_year())
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--prefix", default="", help="只打印以此开头的指标，如 study.")

    def handle(self, *args, org, year, format, prefix, **options):
        from mofan.orgs.models import Org

        try:
            organ = Org.objects.get(code=org)
        except Org.DoesNotExist as exc:
            raise CommandError(f"找不到代码为“{org}”的机关") from exc
        if organ.organ_id is None:
            raise CommandError(f"“{organ.name}”不是机关或机关下属单位，没有机关指标")
        period = Period.year(year)
        out = {}
        for key in sorted(REGISTRY):
            if key.startswith(prefix):
                ind = REGISTRY[key]
                out[key] = {"label": ind.label, "unit": ind.unit,
                            "value": ind.value(organ.organ_id, period)}
        if format == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{organ.organ.name} {year} 年度指标")
        for key, item in out.items():
            self.stdout.write(f"  {item['label']}：{item['value']} {item['unit']}  [{key}]")
