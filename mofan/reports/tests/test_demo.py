"""The demo year's summary: the default template fills completely from the demo bureau's
records; its public version hides every figure and listed name; its Word file lays out
as the official page (checked through LibreOffice where it is installed)."""

import datetime as dt
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from mofan.core import facts
from mofan.core.views import default_year
from mofan.orgs.models import Org
from mofan.reports import defaults, services
from mofan.reports.language import parse
from mofan.reports.models import PlaceName, SummaryTemplate


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    bureau = Org.objects.get(code="wgxlj")
    return bureau, SummaryTemplate.objects.get(org=bureau, year=default_year())


def test_every_field_of_the_default_template_resolves_on_the_demo_year(demo):
    bureau, template = demo
    assert (template.title, template.body) == (defaults.TITLE, defaults.BODY)
    summary = services.build(template)
    assert summary.problems == []
    assert [(p.field.source, p.reason) for p in summary.missing] == []
    fields = list(parse(template.title, template.body).fields)
    assert len(fields) >= 60
    text = services.to_text(summary)
    # The reference's kinds of sentences, filled from the records.
    assert text.startswith("示例县文广新旅局2025年创建模范机关工作总结".replace("2025",
                                                                              str(template.year)))
    for pattern in (r"\d+月\d+日，我局召开推动模范机关创建动员部署会", r"红色党史教育\d+0余场",
                    r"服务超\d0+人次", r"接待游客\d+\.\d万人次", r"旅游总收入\d+\.\d亿元",
                    r"参与人数达数[十百千万]+人", r"采取“[^”]+”[一二三四五六七八九十]+项措施",
                    r"^一、加强组织领导", r"^（一）深入推进学习教育", r"^下一步，"):
        assert re.search(pattern, text, re.M), pattern


def test_public_version_of_the_demo_hides_every_figure_and_listed_name(demo):
    bureau, template = demo
    plain = services.build(template)
    names = list(PlaceName.objects.filter(org=bureau, masked=True).values_list("name", flat=True))
    assert {"示例", "法水", "城关"} <= set(names)  # seeded by the demo from what the system knows
    public = services.masked(plain, services.places_of(bureau))
    body = "\n".join(p.head_text + p.tail_text for p in public.paragraphs)
    assert not re.search(r"\d", body)
    assert [n for n in names if n in body + public.title_text] == []
    # Every figure is masked where it stood, keeping its length: ***.*万人次.
    for a, b in zip(plain.paragraphs, public.paragraphs, strict=True):
        for x, y in zip(a.head + a.tail, b.head + b.tail, strict=True):
            assert len(x.text) == len(y.text)
            if x.field is not None and re.fullmatch(r"[\d.]+", x.text):
                assert y.text == re.sub(r"\d", "*", x.text)
    assert re.search(r"接待游客\*+\.\*万人次", body) and "超****人次" in body
    assert public.title_text == f"**县文广新旅局{template.year}年创建模范机关工作总结"


def test_the_demo_knows_place_names_from_every_kind_of_record(demo):
    bureau, _ = demo
    labels = {label for _, label in facts.known_places(bureau)}
    assert {"县（市、区）", "景区", "社区、村", "红色教育基地", "企业", "乡镇、村（文化活动）"} <= labels


# -- through LibreOffice -----------------------------------------------------------------

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def _is_cjk(ch):
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


@pytest.mark.skipif(not OFFICE or not PDFTOTEXT, reason="LibreOffice / pdftotext not installed")
def test_demo_summary_pages_hold_22_lines_of_28_characters(demo, tmp_path):
    _, template = demo
    _, data = services.generate(template, public=False, today=dt.date(2025, 12, 30))
    src = tmp_path / "summary.docx"
    src.write_bytes(data)
    subprocess.run([OFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",  # noqa: S603
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    layout = subprocess.run([PDFTOTEXT, "-layout", str(tmp_path / "summary.pdf"), "-"],  # noqa: S603
                            check=True, capture_output=True, text=True).stdout
    pages = [p for p in layout.split("\f") if p.strip()]
    assert len(pages) >= 4
    for number, page in enumerate(pages[1:-1], 2):  # full pages: neither the title's nor the last
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert lines[-1].replace(" ", "") == f"—{number}—"
        body = lines[:-1]
        assert len(body) == 22, (number, len(body))
        widths = [sum(1 if _is_cjk(ch) else 0.5 for ch in ln if ch != " ") for ln in body]
        assert max(widths) <= 28.5, number
        # Most lines are full: 28 characters, a little less where half-width digits and the
        # space LibreOffice puts between them and Chinese take their room.
        assert sum(1 for w in widths if w >= 25) >= 16, (number, widths)
