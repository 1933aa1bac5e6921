"""The year-end summary: a template filled from the records, its public (脱敏) version,
its Word file, and the organ's list of names to mask."""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mofan.audit.services import record
from mofan.core import facts, indicators
from mofan.core.gongwen import Block, fits_title_line, format_cn_date, render_gongwen
from mofan.core.masking import mask_figures, mask_places

from . import defaults
from .language import ORGAN, YEAR, Context, Field, Parsed, Problem, evaluate, parse
from .models import PlaceName, SummaryTemplate

# --- the template of a year --------------------------------------------------------


def template_for(organ, year) -> SummaryTemplate:
    """The organ's saved template of ``year``, or the default one (not saved)."""
    found = SummaryTemplate.objects.filter(org=organ, year=year).first()
    return found or SummaryTemplate(org=organ, year=year, title=defaults.TITLE,
                                    body=defaults.BODY)


def copy_forward(organ, year, *, actor) -> SummaryTemplate:
    """Start ``year`` from the summary of ``year - 1`` (the office's own wording); fields
    stay fields, so they fill with the new year's figures. Refused when ``year`` exists."""
    if SummaryTemplate.objects.filter(org=organ, year=year).exists():
        raise ValueError(f"{year} 年度的总结已存在")
    last = SummaryTemplate.objects.filter(org=organ, year=year - 1).first()
    if last is None:
        raise ValueError(f"没有 {year - 1} 年度的总结可以复制")
    with transaction.atomic():
        new = SummaryTemplate.objects.create(org=organ, year=year, title=last.title,
                                             body=last.body, signature=last.signature,
                                             updated_by=actor)
        record("create", new, after={"copied_from": last.pk, "year": year})
    return new


# --- filling it ----------------------------------------------------------------------


@dataclass
class Piece:
    text: str
    field: Field | None = None
    missing: bool = False
    reason: str = ""
    links: list = dataclasses.field(default_factory=list)


@dataclass
class Paragraph:
    level: int
    prefix: str
    head: list[Piece]
    tail: list[Piece] = dataclasses.field(default_factory=list)
    line: int = 0

    @property
    def head_text(self):
        return "".join(p.text for p in self.head)

    @property
    def tail_text(self):
        return "".join(p.text for p in self.tail)


@dataclass
class Summary:
    organ: object
    year: int
    title: list[Piece]
    paragraphs: list[Paragraph]
    problems: list[Problem]
    missing: list[Piece]  # fields with no data, in document order
    signature: str
    date: dt.date | None
    public: bool = False

    @property
    def title_text(self):
        return "".join(p.text for p in self.title)

    @property
    def final(self) -> bool:
        """Whether it may become the final document: every field known and filled."""
        return not self.problems and not self.missing

    def refusal(self) -> str:
        if self.problems:
            return "模板有错误：" + "；".join(str(p) for p in self.problems)
        if self.missing:
            return "以下字段没有数据，不能生成正式文件：" + "；".join(
                f"第 {p.field.line} 行 {{{{ {p.field.source} }}}}（{p.reason}）"
                if p.field.line else f"标题 {{{{ {p.field.source} }}}}（{p.reason}）"
                for p in self.missing)
        return ""


def _link(term, ctx):
    if term.name in indicators.REGISTRY and indicators.REGISTRY[term.name].has_sources:
        return (indicators.REGISTRY[term.name].label,
                reverse("core:indicator_records", args=[term.name, ctx.organ.pk])
                + f"?year={ctx.year}")
    fact = facts.FACTS.get(term.name)
    if fact and fact.url and (url := fact.url(ctx.organ, ctx.period)):
        return fact.label, url
    return None


MISSING_MARK = "【无数据】"


def build(template: SummaryTemplate, *, links=True, parsed: Parsed | None = None) -> Summary:
    """Fill ``template`` for its organ and year: indicators in one batch, each fact once."""
    parsed = parsed or parse(template.title, template.body)
    organ = template.org
    ctx = Context(organ, template.year, parsed.fields, link=_link if links else None)
    missing: list[Piece] = []

    def pieces(parts):
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(Piece(part))
                continue
            value = evaluate(part, ctx)
            piece = Piece(value.text if value.text is not None else MISSING_MARK, part,
                          value.text is None, value.reason, value.links)
            if piece.missing:
                missing.append(piece)
            out.append(piece)
        return out

    title = pieces(parsed.title)
    paragraphs = [Paragraph(line.level, line.prefix, pieces(line.head), pieces(line.tail),
                            line.number) for line in parsed.lines]
    return Summary(organ, template.year, title, paragraphs, parsed.problems, missing,
                   template.signature or organ.name, template.signed_on)


# --- the public version ------------------------------------------------------------


def mask(text: str, places, keep: str = "") -> str:
    """脱敏: listed names character by character, then every digit; ``keep`` (a heading's
    numbering at the start) stays as written."""
    head, rest = (keep, text[len(keep):]) if keep and text.startswith(keep) else ("", text)
    return head + mask_figures(mask_places(rest, places))


def masked(summary: Summary, places) -> Summary:
    """The same summary with every piece masked; the title's year, the headings' numbering
    and the 成文日期 stay. Masking is done on the text before anything is rendered, never
    by hiding text."""
    places = list(places)

    def title(pieces):
        out = _mask_pieces(pieces, places)
        for before, after in zip(pieces, out, strict=True):
            if before.field is not None and [t.name for t in before.field.terms] == [YEAR]:
                after.text = before.text  # the title's year stays
        return out

    def paragraph(par):
        head = _mask_pieces(par.head, places, par.prefix)
        tail = _mask_pieces(par.tail, places)
        return Paragraph(par.level, par.prefix, head, tail, par.line)

    return Summary(summary.organ, summary.year, title(summary.title),
                   [paragraph(par) for par in summary.paragraphs], summary.problems,
                   summary.missing, mask(summary.signature, places), summary.date,
                   public=True)


def _mask_pieces(pieces, places, prefix=""):
    """Masks the pieces as one text (a name may run across a field's edge), then cuts the
    result back at the same places: masking keeps every length."""
    text = "".join(p.text for p in pieces)
    out, pos = mask(text, places, prefix), 0
    result = []
    for p in pieces:
        result.append(Piece(out[pos:pos + len(p.text)], p.field, p.missing, p.reason))
        pos += len(p.text)
    return result


def places_of(organ) -> list[str]:
    return list(PlaceName.objects.filter(org=organ, masked=True).values_list("name", flat=True))


# --- outputs -------------------------------------------------------------------------


def blocks(summary: Summary) -> list[Block]:
    return [Block(p.head_text, level=p.level, tail=p.tail_text) for p in summary.paragraphs]


def docx_title(summary: Summary) -> str:
    """The title, broken after the organ's name when it does not fit one line
    (“示例县文广新旅局 / 2025年创建模范机关工作总结”)."""
    text = summary.title_text
    first = summary.title[0] if summary.title else None
    if (fits_title_line(text) or first is None or first.field is None
            or [t.name for t in first.field.terms] != [ORGAN] or len(summary.title) < 2):
        return text
    return first.text + "\n" + text[len(first.text):]


def to_docx(summary: Summary, today: dt.date | None = None) -> bytes:
    """The Word file (GB/T 9704); refused while a field is unknown or has no data."""
    if not summary.final:
        raise ValueError(summary.refusal())
    return render_gongwen(docx_title(summary), blocks(summary), signature=summary.signature,
                          date=summary.date or today or timezone.localdate())


def to_text(summary: Summary, today: dt.date | None = None) -> str:
    """Plain text (for diffing): the title, the paragraphs, signature and date; a field
    with no data reads 【无数据】."""
    date = summary.date or today or timezone.localdate()
    lines = [summary.title_text, ""]
    lines += [p.head_text + p.tail_text for p in summary.paragraphs]
    lines += ["", summary.signature, format_cn_date(date)]
    return "\n".join(lines) + "\n"


def generate(template: SummaryTemplate, *, public: bool, actor=None, fmt="docx",
             today: dt.date | None = None) -> tuple[Summary, bytes | str]:
    """Build, mask when public, render, and audit the generation (either version)."""
    summary = build(template, links=False)
    if public:
        summary = masked(summary, places_of(template.org))
    content = to_docx(summary, today) if fmt == "docx" else to_text(summary, today)
    version = "公开版（脱敏）" if public else "正式版"
    record("export", template.org, user=actor,
           label=f"生成{template.org}{template.year}年度工作总结{version}（{fmt}）",
           after={"year": template.year, "public": public, "format": fmt,
                  "template": template.pk})
    return summary, content


# --- the list of names to mask -------------------------------------------------------

# A name's generic ending stays readable in the public version (“**县”, “**村”,
# “****纪念馆”): the list keeps the name without it when two or more characters remain.
GENERIC_ENDINGS = ("风景区", "旅游区", "景区", "街道", "街区", "社区", "小区", "纪念馆", "陈列馆",
                   "旧址", "有限公司", "合作社", "县", "市", "区", "乡", "镇", "村")


def stem(name: str) -> str:
    for ending in GENERIC_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return name


def seed_places(organ) -> int:
    """Add the names the system knows for ``organ`` that are not on its list yet (a name
    the office switched off stays off). Returns how many were added."""
    have = set(PlaceName.objects.filter(org=organ).values_list("name", flat=True))
    new = {}
    for name, label in facts.known_places(organ):
        short = stem(name)
        if short not in have and short not in new:
            new[short] = label
    PlaceName.objects.bulk_create([PlaceName(org=organ, name=n, source=label[:60])
                                   for n, label in new.items()])
    return len(new)

