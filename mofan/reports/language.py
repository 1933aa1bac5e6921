"""The summary's field language: prose with ``{{ 字段 | 过滤器 }}`` fields, parsed by a small
grammar of its own (never Django's template engine on the office's text: no attribute
access, no code, nothing but the names below).

    field   := "{{" sum ("|" filter)* "}}"
    sum     := term ("+" term)*
    term    := indicator key | fact key | 年份 | 机关 | 机关简称 | number
    filter  := name [":" (number | "text")]

Every name and filter is checked when the text is parsed — an unknown field, a filter that
does not apply (``万`` on a date), units that cannot be added — and reported at its line.
Values come from the indicator registry (one batch for all figures) and the fact registry
(core/facts.py). A value that is ``None`` is *no data*: the field has no text, never "0".
"""

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from mofan.core import facts, indicators

# --- kinds of value ------------------------------------------------------------------

NUM, TEXT, DATE, LIST = "num", facts.TEXT, facts.DATE, facts.LIST
KIND_NAMES = {NUM: "数字", TEXT: "文字", DATE: "日期", LIST: "名单"}
BUILTINS = {  # name -> (label, kind, unit)
    "年份": ("总结年度", NUM, "年"),
    "机关": ("机关名称", TEXT, ""),
    "机关简称": ("机关简称", TEXT, ""),
}
YEAR, ORGAN = "年份", "机关"


@dataclass(frozen=True)
class Num:
    """A figure: ``value`` in the indicator's unit, shown divided by ``scale`` (万, 亿)
    with ``places`` decimals (None: as recorded, at most two)."""

    value: Decimal
    unit: str = ""
    scale: Decimal = Decimal(1)
    places: int | None = None

    @property
    def base(self) -> Decimal:
        """The figure in the unit's base (万元 → 元)."""
        return self.value * unit_factor(self.unit)

    @property
    def shown(self) -> Decimal:
        return self.base / self.scale if self.scale != 1 else self.value

    def text(self) -> str:
        return format_number(self.shown, self.places)


def unit_factor(unit: str) -> Decimal:
    if unit.startswith("亿"):
        return Decimal(100_000_000)
    if unit.startswith("万"):
        return Decimal(10_000)
    return Decimal(1)


def format_number(value: Decimal, places: int | None) -> str:
    if places is None:
        value = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
        if value == value.to_integral_value():
            return str(int(value))
        return f"{value.normalize():f}"
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):f}"


@dataclass(frozen=True)
class Items:
    """A list fact's records and how one of them reads."""

    rows: list
    wording: str


# --- filters -------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """4 → 四, 12 → 十二, 105 → 一百零五 (0 to 99,999)."""
    if n < 10:
        return _CN_DIGITS[n]
    out, zero = "", False
    for unit_value, unit_name in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit_value)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit_value == 10 and d == 1 and not out) else _CN_DIGITS[d]) + unit_name
            zero = False
        elif out:
            zero = True
    return out


def round_down(value: Decimal) -> Decimal | None:
    """The round number a figure is “more than”: 128 → 100, 4,968 → 4,000, 2.3 → 2;
    None below 1 (nothing round to say)."""
    if value >= 10:
        magnitude = Decimal(10) ** int(math.floor(math.log10(value)))
        return (value // magnitude) * magnitude
    if value >= 1:
        return Decimal(int(value))
    return None


def _more_than(num: Num, form: str) -> str:
    shown = num.shown
    rounded = round_down(shown)
    if rounded is None or rounded == shown:
        return num.text()
    return form.format(format_number(rounded, 0))


_MAGNITUDES = [(Decimal(100_000_000), "数亿"), (Decimal(10_000_000), "数千万"),
               (Decimal(1_000_000), "数百万"), (Decimal(100_000), "数十万"),
               (Decimal(10_000), "数万"), (Decimal(1_000), "数千"), (Decimal(100), "数百"),
               (Decimal(10), "数十")]


def magnitude_words(num: Num) -> str:
    for floor, words in _MAGNITUDES:
        if num.base >= floor:
            return words
    return num.text()


def chinese_date(d: dt.date, with_year: bool) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"


def _scaled(scale):
    def apply(num: Num, places):
        return Num(num.value, num.unit, Decimal(scale), 1 if places is None else places)
    return apply


_PART = re.compile(r"\{([^{}]*)\}")


def word_item(wording: str, row: dict) -> str:
    """One list item in ``wording``: each ``{部分}`` replaced by that part of the record
    (plain substitution, nothing evaluated)."""
    return _PART.sub(lambda m: str(row.get(m.group(1), "") or ""), wording)


def join_items(items: Items, separator="、") -> str:
    return separator.join(word_item(items.wording, row) for row in items.rows)


@dataclass(frozen=True)
class Filter:
    name: str
    takes: str  # kind accepted
    gives: str  # kind returned
    apply: object  # (value, arg) -> value
    arg: str = ""  # "", "int" (optional places), "int!" (required), "text!" (required)
    help: str = ""


FILTERS: dict[str, Filter] = {f.name: f for f in [
    Filter("万", NUM, NUM, _scaled(10_000), "int", "以万为单位，默认一位小数：6625683 → 662.6；万:2 两位"),
    Filter("亿", NUM, NUM, _scaled(100_000_000), "int", "以亿为单位，默认一位小数；按指标单位换算（万元 → 亿元）"),
    Filter("小数", NUM, NUM, lambda n, p: Num(n.value, n.unit, n.scale, p), "int!",
           "保留几位小数：小数:1"),
    Filter("取整", NUM, NUM, lambda n, _: Num(n.value, n.unit, n.scale, 0), "", "四舍五入到整数"),
    Filter("百分比", NUM, TEXT, lambda n, p: Num(n.value, n.unit, n.scale,
                                                 1 if p is None else p).text() + "%",
           "int", "百分数加“%”，默认一位小数：21.5%"),
    Filter("余", NUM, TEXT, lambda n, _: _more_than(n, "{}余"), "", "向下取整到整数位：128 → 100余"),
    Filter("超", NUM, TEXT, lambda n, _: _more_than(n, "超{}"), "", "向下取整到整数位：4968 → 超4000"),
    Filter("量级", NUM, TEXT, lambda n, _: magnitude_words(n), "",
           "用文字说数量级：3087 → 数千（也可写作“数千”）"),
    Filter("汉字", NUM, TEXT, lambda n, _: chinese_number(int(n.shown))
           if n.shown == int(n.shown) and 0 <= n.shown < 100_000 else n.text(), "",
           "整数写成汉字：4 → 四"),
    Filter("日期", DATE, TEXT, lambda d, _: chinese_date(d, False), "", "月日：3月15日"),
    Filter("年月日", DATE, TEXT, lambda d, _: chinese_date(d, True), "", "2025年3月15日"),
    Filter("个数", LIST, NUM, lambda items, _: Num(Decimal(len(items.rows))), "", "名单的条数"),
    Filter("格式", LIST, LIST, lambda items, w: Items(items.rows, w), "text!",
           "每一条怎样写：格式:\"{获得者}获评{荣誉}\""),
    Filter("连接", LIST, TEXT, lambda items, sep: join_items(items, sep), "text!",
           "用什么连接各条（默认“、”）：连接:\"；\""),
]}
ALIASES = {"数千": "量级", "%": "百分比", "中文": "汉字"}


# --- parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    name: str  # the key, a builtin, or "" for a number
    kind: str
    label: str = ""
    unit: str = ""
    number: Decimal | None = None


@dataclass
class Field:
    source: str  # the text between the braces, as written
    line: int
    terms: list[Term]
    filters: list[tuple[Filter, object]]
    kind: str  # of the result


@dataclass
class Problem:
    line: int  # 0: the title
    message: str

    def __str__(self):
        return f"{'标题' if self.line == 0 else f'第 {self.line} 行'}：{self.message}"


class ParseError(ValueError):
    pass


_OPEN, _CLOSE = "{{", "}}"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|[\u4e00-\u9fff]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’"}


def split_line(text: str, line: int, problems: list) -> list:
    """[str | Field] of one line; problems are appended, the bad field kept as text."""
    parts, pos = [], 0
    while True:
        start = text.find(_OPEN, pos)
        stray = text.find(_CLOSE, pos)
        if stray != -1 and (start == -1 or stray < start):
            problems.append(Problem(line, f"多余的“}}}}”（第 {stray + 1} 个字符处）"))
        if start == -1:
            parts.append(text[pos:])
            break
        end = text.find(_CLOSE, start + 2)
        if end == -1:
            problems.append(Problem(line, "“{{”没有对应的“}}”"))
            parts.append(text[pos:])
            break
        parts.append(text[pos:start])
        source = text[start + 2:end].strip()
        try:
            parts.append(parse_field(source, line))
        except ParseError as exc:
            problems.append(Problem(line, f"{{{{ {source} }}}}：{exc}"))
            parts.append(text[start:end + 2])
        pos = end + 2
    return [p for p in parts if p != ""]


def _split_top(source: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quotes."""
    out, buf, quote = [], "", None
    for ch in source:
        if quote:
            buf += ch
            if ch == quote:
                quote = None
        elif ch in _QUOTES:
            quote = _QUOTES[ch]
            buf += ch
        elif ch == sep:
            out.append(buf)
            buf = ""
        else:
            buf += ch
    if quote:
        raise ParseError("引号没有配对")
    out.append(buf)
    return out


def resolve(name: str) -> Term:
    if name in BUILTINS:
        label, kind, unit = BUILTINS[name]
        return Term(name, kind, label, unit)
    if name in indicators.REGISTRY:
        ind = indicators.REGISTRY[name]
        return Term(name, NUM, ind.label, ind.unit)
    if name in facts.FACTS:
        fact = facts.FACTS[name]
        return Term(name, fact.kind, fact.label)
    raise ParseError(f"未知字段“{name}”（请从字段列表中选择）")


def _term(text: str) -> Term:
    text = text.strip()
    if not text:
        raise ParseError("缺少字段名")
    if _NUMBER.fullmatch(text):
        return Term("", NUM, number=Decimal(text))
    if not _NAME.fullmatch(text):
        raise ParseError(f"“{text}”不是字段名")
    return resolve(text)


def _arg(text: str, spec: str, name: str):
    text = text.strip()
    if spec.startswith("int"):
        if not re.fullmatch(r"\d", text):
            raise ParseError(f"“{name}”后面应是 0 到 9 的数字，如 {name}:2")
        return int(text)
    if text[:1] in _QUOTES and text[-1:] == _QUOTES[text[0]] and len(text) >= 2:
        return text[1:-1]
    raise ParseError(f"“{name}”后面的文字请用引号括起来，如 {name}:\"、\"")


def parse_field(source: str, line: int) -> Field:
    if not source:
        raise ParseError("空字段")
    head, *filter_texts = _split_top(source, "|")
    terms = [_term(t) for t in _split_top(head, "+")]
    if len(terms) > 1:
        kinds = {t.kind for t in terms}
        if kinds != {NUM}:
            raise ParseError("只有数字字段可以相加")
        units = {t.unit for t in terms if t.name}
        if len(units) > 1:
            raise ParseError(f"单位不同（{'、'.join(sorted(units))}），不能相加")
    kind = terms[0].kind
    chain = []
    for text in filter_texts:
        name, _, arg_text = text.strip().partition(":")
        name = ALIASES.get(name.strip(), name.strip())
        f = FILTERS.get(name)
        if f is None:
            raise ParseError(f"未知过滤器“{name}”")
        if f.takes != kind:
            raise ParseError(f"“{name}”只能用于{KIND_NAMES[f.takes]}，这里是{KIND_NAMES[kind]}")
        if arg_text.strip():
            if not f.arg:
                raise ParseError(f"“{name}”不带参数")
            arg = _arg(arg_text, f.arg, name)
        elif f.arg.endswith("!"):
            raise ParseError(f"“{name}”需要参数")
        else:
            arg = None
        if name == "格式":
            _check_wording(terms[0], arg)
        chain.append((f, arg))
        kind = f.gives
    return Field(source, line, terms, chain, kind)


def _check_wording(term: Term, wording: str):
    fact = facts.FACTS.get(term.name)
    unknown = [p for p in _PART.findall(wording) if fact and p not in fact.parts]
    if unknown:
        raise ParseError(f"“{term.label}”没有“{'、'.join(unknown)}”，可用：{'、'.join(fact.parts)}")


# --- headings ------------------------------------------------------------------------

HEADINGS = [
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"^\d+[.．](?!\d)")),
    (4, re.compile(r"^[（(]\d+[）)]")),
]


def heading_of(text: str) -> tuple[int, str]:
    """(level, the numbering prefix) of a line; (0, "") for body text."""
    for level, pattern in HEADINGS:
        if m := pattern.match(text):
            return level, m.group(0)
    return 0, ""


@dataclass
class Line:
    number: int
    level: int
    prefix: str  # the heading's numbering ("一、", "（1）"), kept as is in the public version
    head: list  # [str | Field]: the heading up to its first "。" (all of a body line)
    tail: list = field(default_factory=list)  # body text run in after the heading


@dataclass
class Parsed:
    title: list
    lines: list[Line]
    problems: list[Problem]

    @property
    def fields(self):
        for part in self.title:
            if isinstance(part, Field):
                yield part
        for line in self.lines:
            for part in (*line.head, *line.tail):
                if isinstance(part, Field):
                    yield part


def _split_heading(parts: list) -> tuple[list, list]:
    """A run-in heading ends at its first "。" (in the prose, never inside a field)."""
    for i, part in enumerate(parts):
        if isinstance(part, str) and "。" in part:
            cut = part.index("。") + 1
            head = [*parts[:i], part[:cut]]
            rest = part[cut:]
            tail = ([rest] if rest else []) + parts[i + 1:]
            return head, tail
    return parts, []


def parse(title: str, body: str) -> Parsed:
    problems: list[Problem] = []
    title_parts = split_line(title.strip(), 0, problems)
    lines = []
    for number, raw in enumerate(body.splitlines(), 1):
        text = raw.strip()
        if not text:
            continue
        parts = split_line(text, number, problems)
        level, prefix = heading_of(text)
        head, tail = _split_heading(parts) if level else (parts, [])
        lines.append(Line(number, level, prefix, head, tail))
    return Parsed(title_parts, lines, problems)


# --- evaluation ----------------------------------------------------------------------


@dataclass
class Value:
    """A field's outcome: its text, or None (no data) with the reason."""

    field: Field
    text: str | None
    links: list[tuple[str, str]]  # (label, url) of the records behind it
    reason: str = ""


class Context:
    """What fields read: the organ, the year, and every value fetched once."""

    def __init__(self, organ, year: int, parsed_fields, link=None):
        self.organ, self.year = organ, year
        self.period = indicators.Period.year(year)
        fields = list(parsed_fields)
        keys = list(dict.fromkeys(t.name for f in fields for t in f.terms
                                  if t.name in indicators.REGISTRY))
        self.figures = (indicators.table([organ.pk], self.period, keys) if keys else {})
        self.facts = {name: facts.FACTS[name].value(organ, self.period)
                      for name in dict.fromkeys(t.name for f in fields for t in f.terms
                                                if t.name in facts.FACTS)}
        self.link = link  # (term, context) -> (label, url) | None
        self._links = {}

    def link_of(self, term: Term):
        """The records behind a term, asked once per term however often it is used."""
        if self.link is None or not term.name:
            return None
        if term.name not in self._links:
            self._links[term.name] = self.link(term, self)
        return self._links[term.name]

    def raw(self, term: Term):
        if not term.name:
            return Num(term.number)
        if term.name == YEAR:
            return Num(Decimal(self.year), "年")
        if term.name == ORGAN:
            return self.organ.name
        if term.name == "机关简称":
            return self.organ.short_name or self.organ.name
        if term.name in self.figures:
            value = self.figures[term.name][self.organ.pk]
            return None if value is None else Num(Decimal(str(value)), term.unit)
        value = self.facts[term.name]
        if value is None:
            return None
        if term.kind == LIST:
            return Items(list(value), facts.FACTS[term.name].item)
        return value


def evaluate(f: Field, ctx: Context) -> Value:
    links = [link for t in f.terms if (link := ctx.link_of(t))]
    raws = [ctx.raw(t) for t in f.terms]
    missing = [t for t, r in zip(f.terms, raws, strict=True) if r is None]
    if missing:
        names = "、".join(f"{t.label}（{t.name}）" for t in missing)
        return Value(f, None, links, f"{names}：{ctx.year} 年度没有数据")
    value = raws[0]
    if len(raws) > 1:
        value = Num(sum((r.value for r in raws), Decimal(0)), next(
            (r.unit for r in raws if r.unit), ""))
    for flt, arg in f.filters:
        value = flt.apply(value, arg)
    return Value(f, display(value), links)


def display(value) -> str:
    if isinstance(value, Num):
        return value.text()
    if isinstance(value, Items):
        return join_items(value)
    if isinstance(value, dt.date):
        return chinese_date(value, True)
    return str(value)
