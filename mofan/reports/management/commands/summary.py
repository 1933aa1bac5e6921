from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mofan.core.views import default_year
from mofan.orgs.models import Org
from mofan.reports import services


class Command(BaseCommand):
    help = ("生成机关的年度工作总结：Word（公文版式）或纯文本；--public 为脱敏公开版。"
            "本机关未保存该年度总结时使用默认模板。")

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="机关代码，如 wgxlj")
        parser.add_argument("--year", type=int, default=default_year())
        parser.add_argument("--out", required=True, help="输出文件，如 总结.docx；- 为标准输出（仅 txt）")
        parser.add_argument("--public", action="store_true", help="公开版：数字和地名替换为 *")
        parser.add_argument("--format", choices=["docx", "txt"], default="docx")
        parser.add_argument("--strict", action="store_true",
                            help="有字段没有数据时不输出并以非零状态退出（Word 总是如此）")

    def handle(self, *args, org, year, out, public, format, strict, **options):
        try:
            organ = Org.objects.get(code=org, kind=Org.ORGAN)
        except Org.DoesNotExist as exc:
            raise CommandError(f"找不到代码为“{org}”的机关") from exc
        if out == "-" and format == "docx":
            raise CommandError("Word 文件请用 --out 指定文件名")
        template = services.template_for(organ, year)
        summary = services.build(template, links=False)
        if summary.problems or (summary.missing and (strict or format == "docx")):
            for p in summary.problems:
                self.stderr.write(f"错误 {p}")
            for p in summary.missing:
                where = f"第 {p.field.line} 行" if p.field.line else "标题"
                self.stderr.write(f"无数据 {where} {{{{ {p.field.source} }}}}：{p.reason}")
            raise CommandError(f"未生成：{len(summary.problems)} 处错误，"
                               f"{len(summary.missing)} 个字段没有数据")
        _, content = services.generate(template, public=public, fmt=format)
        if out == "-":
            self.stdout.write(content, ending="")
            return
        path = Path(out)
        if format == "docx":
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        for p in summary.missing:  # a txt draft may carry them (without --strict)
            self.stderr.write(f"无数据 第 {p.field.line} 行 {{{{ {p.field.source} }}}}：{p.reason}")
        version = "公开版" if public else "正式版"
        self.stdout.write(self.style.SUCCESS(
            f"已生成 {organ.name}{year}年度工作总结（{version}，{format}）：{path}"))
