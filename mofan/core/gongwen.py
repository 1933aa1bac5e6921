"""Word (.docx) output in the official document layout, GB/T 9704-2012 (specs/gongwen.md).

One entry point, :func:`render_gongwen`: a title, a list of :class:`Block` paragraphs
and :class:`Table` tables, an optional signature and date. Layout values:

- A4, margins top 37 / bottom 35 / left 28 / right 26 mm; 22 lines of 28 characters.
- Body 仿宋_GB2312 3号 (16 pt), exact line spacing 579 twips on a 579-twip line grid,
  3号 runs condensed by 0.25 pt so 28 characters fit the 156 mm line.
- Title 方正小标宋简体 2号 centred; headings 黑体 / 楷体_GB2312 / 仿宋_GB2312.
- Page numbers "— N —" in 宋体 4号, odd pages right, even pages left, one character in.
- Latin letters and digits in Times New Roman (house rule).
- Widow control off (full pages hold 22 lines); table rows never split across pages.
- Document properties cleared; none of python-docx's template leftovers (app.xml,
  customXml, a thumbnail, stylesWithEffects) is written.

East-Asian fonts are written to ``w:rFonts/@w:eastAsia``; ``run.font.name`` alone would
only set the Latin slots. Every paragraph carries its formatting directly so WPS and
Word render it the same regardless of their default templates.

How it is written (issue 13: python-docx spent ~2.6 ms per table row in its schema-order
inserts and cell lookups): everything but the body — styles, settings, footers, the
section — is the same for every document, so it is built once per process with
python-docx (:func:`_skeleton`). Each call only writes the body as XML text, from
property fragments serialized once from the same element helpers (``_ppr``, ``_rpr``)
and escaped text, then zips the parts: the cost of writing the same XML by hand.
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Twips
from lxml import etree

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Page geometry in twips (1 mm = 56.69 twips).
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1588, 1474
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
# Puts the page-number dashes about 7 mm below the text block (35 mm - 7 mm - half a line).
FOOTER_DISTANCE = 1417  # 25 mm
HEADER_DISTANCE = 851  # 15 mm; no header is used
LINE_PITCH = 579  # 28.95 pt: 22 lines fill the 225 mm block (580 gives 21 in LibreOffice)

FONT_TITLE = "方正小标宋简体"
FONT_FANGSONG = "仿宋_GB2312"
FONT_HEITI = "黑体"
FONT_KAITI = "楷体_GB2312"
FONT_SONGTI = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_2 = 22  # 2号, title
SIZE_3 = 16  # 3号, body and headings
SIZE_4 = 14  # 4号, page numbers / tables
SIZE_SMALL_4 = 12  # 小四, dense tables
CONDENSE_3 = -5  # twentieths of a point: 28 x 15.75 pt = 441 pt <= 442.2 pt line
CHAR_3 = 320  # one 3号 character in twips (indent fallbacks for readers ignoring *Chars)

_PACKAGE_LEFTOVERS = {RT.THUMBNAIL, RT.EXTENDED_PROPERTIES}
_DOCUMENT_LEFTOVERS = {RT.CUSTOM_XML,
                       "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
_LEVEL_FONTS = {0: FONT_FANGSONG, 1: FONT_HEITI, 2: FONT_KAITI, 3: FONT_FANGSONG, 4: FONT_FANGSONG}
# Characters that are not allowed in XML 1.0 (pasted text sometimes carries them).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Block:
    """One paragraph.

    level 0 body (仿宋_GB2312); 1 "一、" heading (黑体); 2 "（一）" heading (楷体_GB2312);
    3 "1." and 4 "（1）" (仿宋_GB2312; level 3 bold only with ``level3_bold=True``).
    ``tail`` is body text that continues in the same paragraph after a run-in heading,
    e.g. ``Block("（一）强化理论武装。", level=2, tail="全年开展集中学习12次……")``.
    """

    text: str
    level: int = 0
    tail: str = ""


@dataclass
class Table:
    """A simple bordered table in 仿宋_GB2312, single line spacing.

    ``widths`` are relative column weights (default equal); ``size`` is the font size in
    points: 12 (小四, default) or 14 (4号). The header row repeats on every page.
    """

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] | None = None
    size: float = SIZE_SMALL_4


def format_cn_date(d: dt.date) -> str:
    """成文日期 in Arabic numerals without zero padding, e.g. 2022年12月30日."""
    return f"{d.year}年{d.month}月{d.day}日"


def render_gongwen(
    title: str,
    blocks: list[Block | Table],
    *,
    signature: str = "",
    date: dt.date | None = None,
    level3_bold: bool = False,
) -> bytes:
    """The .docx bytes of a document in the official layout.

    An empty ``title`` leaves out the title and the blank line below it; a "\\n" in the
    title forces a line break (for a trapezoid-shaped title). ``signature`` (发文机关署名)
    and ``date`` (成文日期) follow the body after one blank line, placed per GB/T 9704
    7.3.5.2: the organ name two characters in from the right, the date on the next line
    starting two characters right of the name's first character; when the date is too long
    for that, the date sits two characters in and the name moves left.
    """
    body: list[str] = []  # the body's XML, in pieces joined once
    if title:
        _add_title(body, title)
        _add_blank(body)
    for block in blocks:
        if isinstance(block, Table):
            _add_table(body, block)
        elif isinstance(block, Block):
            _add_block(body, block, level3_bold=level3_bold)
        else:
            raise TypeError(f"unsupported block: {block!r}")
    if signature or date:
        _add_blank(body)
        _add_signature(body, signature, format_cn_date(date) if date else "")
    return _package(body)


# -- the package, built once ------------------------------------------------------------

DOCUMENT_PART, CORE_PART = "word/document.xml", "docProps/core.xml"
# The skeleton's creation time, replaced by the time of each document.
_PLACEHOLDER_TIME = dt.datetime(2000, 1, 1)
_PLACEHOLDER_STAMP = b"2000-01-01T00:00:00Z"


@dataclass(frozen=True)
class _Skeleton:
    parts: tuple[tuple[str, bytes], ...]  # in python-docx's order
    head: bytes  # document.xml up to and including <w:body>
    tail: bytes  # the section properties and the closing tags


@functools.cache
def _skeleton() -> _Skeleton:
    """The parts every document shares, from a python-docx document with an empty body."""
    doc = Document()
    _setup_package(doc)
    _setup_section(doc)
    buf = BytesIO()
    doc.save(buf)
    with ZipFile(buf) as package:
        parts = tuple((name, package.read(name)) for name in package.namelist())
    head, sep, tail = dict(parts)[DOCUMENT_PART].partition(b"<w:body>")
    if not sep or not tail.startswith(b"<w:sectPr"):
        raise RuntimeError("python-docx's template body is not empty")
    if dict(parts)[CORE_PART].count(_PLACEHOLDER_STAMP) != 2:
        raise RuntimeError("core.xml does not hold the placeholder creation time")
    return _Skeleton(parts, head + sep, tail)


def _package(body: list[str]) -> bytes:
    skeleton = _skeleton()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buf = BytesIO()
    with ZipFile(buf, "w", ZIP_DEFLATED) as package:
        for name, blob in skeleton.parts:
            if name == DOCUMENT_PART:
                blob = skeleton.head + "".join(body).encode("utf-8") + skeleton.tail
            elif name == CORE_PART:
                blob = blob.replace(_PLACEHOLDER_STAMP, stamp)
            package.writestr(name, blob)
    return buf.getvalue()


# -- document-level setup ---------------------------------------------------------------


def _setup_package(doc) -> None:
    props = doc.core_properties
    for name in (
        "author",
        "last_modified_by",
        "title",
        "subject",
        "keywords",
        "comments",
        "category",
        "content_status",
        "identifier",
        "language",
        "version",
    ):
        setattr(props, name, "")
    props.revision = 1
    props.created = props.modified = _PLACEHOLDER_TIME
    # python-docx's template leftovers: the thumbnail of an empty Mac Word page, app.xml
    # ("Microsoft Macintosh Word", Normal.dotm), a customXml bibliography part and Word
    # 2010's stylesWithEffects. A part no relationship reaches is not saved.
    for rels, dropped in ((doc.part.package.rels, _PACKAGE_LEFTOVERS),
                          (doc.part.rels, _DOCUMENT_LEFTOVERS)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype in dropped]:
            del rels[rid]

    # The template's own identity (revision ids, document id) and its preview request.
    settings = doc.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w14:docId"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    doc.settings.odd_and_even_pages_header_footer = True
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")

    # Document defaults = body text, so empty paragraphs and any stray text match.
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = _el("w:docDefaults")
    rpr_default = _el("w:rPrDefault")
    # Not condensed here: footers and tables inherit the defaults and must not be.
    rpr_default.append(_rpr(FONT_FANGSONG, SIZE_3))
    ppr_default = _el("w:pPrDefault")
    ppr = _el("w:pPr")
    ppr.append(_el("w:widowControl", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line=str(LINE_PITCH), lineRule="exact"))
    ppr_default.append(ppr)
    defaults.append(rpr_default)
    defaults.append(ppr_default)
    styles.insert(0, defaults)


def _setup_section(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = (
        Twips(HEADER_DISTANCE),
        Twips(FOOTER_DISTANCE),
    )
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = _el("w:docGrid")
        section._sectPr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))

    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    # Odd pages: right-aligned, one character in; even pages: left-aligned, one in.
    _page_number(section.footer.paragraphs[0], jc="right", right=CHAR_3)
    _page_number(section.even_page_footer.paragraphs[0], jc="left", left=CHAR_3)


def _page_number(paragraph, *, jc: str, left: int = 0, right: int = 0) -> None:
    p = paragraph._p
    for child in list(p):
        p.remove(child)
    ppr = _el("w:pPr")
    ppr.append(_el("w:widowControl", val="0"))
    ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line="240", lineRule="auto"))
    ppr.append(_el("w:ind", left=str(left), right=str(right), firstLine="0"))
    ppr.append(_el("w:jc", val=jc))
    p.append(ppr)

    def run(*children):
        r = _el("w:r")
        r.append(_rpr(FONT_SONGTI, SIZE_4, latin=FONT_SONGTI))
        for child in children:
            r.append(child)
        p.append(r)

    run(_text("— "))
    run(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    run(_text("1"))
    run(_el("w:fldChar", fldCharType="end"))
    run(_text(" —"))


# -- paragraphs ------------------------------------------------------------------------


def _add_title(body: list[str], title: str) -> None:
    body.append("<w:p>" + _ppr_xml(jc="center"))
    _add_runs(body, _clean(title), _rpr_xml(FONT_TITLE, SIZE_2))
    body.append("</w:p>")


def _add_blank(body: list[str]) -> None:
    body.append("<w:p>" + _ppr_xml(jc="both") + "</w:p>")


def _add_block(body: list[str], block: Block, *, level3_bold: bool) -> None:
    if block.level not in _LEVEL_FONTS:
        raise ValueError(f"unsupported block level: {block.level}")
    body.append("<w:p>" + _ppr_xml(jc="both", first_line_chars=200))
    bold = level3_bold and block.level == 3
    font = _LEVEL_FONTS[block.level]
    _add_runs(body, _clean(block.text), _rpr_xml(font, SIZE_3, bold=bold, condense=True))
    if block.tail:
        _add_runs(body, _clean(block.tail), _rpr_xml(FONT_FANGSONG, SIZE_3, condense=True))
    body.append("</w:p>")


def _add_runs(body: list[str], text: str, rpr: str) -> None:
    # A "\n" inside a block or cell becomes a line break, not a new paragraph.
    for i, part in enumerate(text.split("\n")):
        body.append(f"<w:r>{rpr}<w:br/>{_t_xml(part)}</w:r>" if i
                    else f"<w:r>{rpr}{_t_xml(part)}</w:r>")


def _add_signature(body: list[str], signature: str, date_text: str) -> None:
    # Distances from the right margin in half characters (Latin digits are half width).
    sig_w, date_w = _half_width(signature), _half_width(date_text)
    sig_right = 4
    date_right = sig_right + sig_w - 4 - date_w  # date starts 2 characters right of name
    if date_text and date_right < 4:  # date too long: date two in, name moves left
        date_right = 4
        sig_right = date_right + date_w + 4 - sig_w
    for text, right in ((signature, sig_right), (date_text, date_right)):
        if not text:
            continue
        # No automatic CJK/Latin spacing, so the date is exactly as wide as computed.
        body.append("<w:p>" + _ppr_xml(jc="right", right_chars=right * 50, autospace=False))
        rpr = _rpr_xml(FONT_FANGSONG, SIZE_3, condense=True)
        body.append(f"<w:r>{rpr}{_t_xml(_clean(text))}</w:r></w:p>")


def _half_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


TITLE_LINE_HALF_WIDTHS = 40  # 2号 (22 pt) characters on the 156 mm line: 20 Chinese ones


def fits_title_line(text: str) -> bool:
    """Whether ``text`` fits on one line of the 2号 title (else the caller may break it,
    with "\n", where the words part: a title wraps as a trapezoid, not mid-word)."""
    return _half_width(text) <= TITLE_LINE_HALF_WIDTHS


# -- tables ----------------------------------------------------------------------------


def _add_table(body: list[str], spec: Table) -> None:
    ncols = len(spec.headers)
    if not ncols:
        raise ValueError("table needs at least one column")
    weights = spec.widths or [1] * ncols
    if len(weights) != ncols:
        raise ValueError("widths must match the number of columns")
    total = sum(weights)
    widths = [int(TEXT_WIDTH * w / total) for w in weights]
    widths[-1] = TEXT_WIDTH - sum(widths[:-1])

    body.append("<w:tbl>" + _tblpr_xml() + "<w:tblGrid>"
                + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>")
    # A row is never split across two pages; the header row repeats on every page.
    _add_row(body, spec.headers, _cell_openings(widths, header=True),
             _rpr_xml(FONT_FANGSONG, spec.size, bold=True),
             "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
    openings = _cell_openings(widths, header=False)
    rpr = _rpr_xml(FONT_FANGSONG, spec.size)
    for row in spec.rows:
        values = ["" if v is None else str(v) for v in row]
        if len(values) > ncols:
            raise ValueError(f"row has {len(values)} cells, table has {ncols} columns")
        values += [""] * (ncols - len(values))
        _add_row(body, values, openings, rpr, "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
    body.append("</w:tbl>")


def _cell_openings(widths: list[int], *, header: bool) -> list[str]:
    """Each column's cell up to its paragraph's runs: width, centred vertically, the
    paragraph on single line spacing (header centred, body left)."""
    ppr = _ppr_xml(jc="center" if header else "left", line=240, rule="auto")
    return [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/><w:vAlign w:val="center"/>'
            f"</w:tcPr><w:p>{ppr}" for w in widths]


def _add_row(body: list[str], values: list[str], openings: list[str], rpr: str,
             tr: str) -> None:
    body.append(tr)
    for opening, value in zip(openings, values, strict=True):
        body.append(opening)
        _add_runs(body, _clean(str(value)), rpr)
        body.append("</w:p></w:tc>")
    body.append("</w:tr>")


@functools.cache
def _tblpr_xml() -> str:
    tblpr = _el("w:tblPr")
    tblpr.append(_el("w:tblW", w=str(TEXT_WIDTH), type="dxa"))
    tblpr.append(_el("w:jc", val="center"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    tblpr.append(borders)
    tblpr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side, w in (("top", 28), ("left", 85), ("bottom", 28), ("right", 85)):
        margins.append(_el(f"w:{side}", w=str(w), type="dxa"))
    tblpr.append(margins)
    return _xml(tblpr)


# -- XML text of the body -------------------------------------------------------------

_W_DECLARATION = f' xmlns:w="{nsmap["w"]}"'


def _xml(el) -> str:
    """An element as XML text for the body, whose root already declares ``w:``."""
    text = etree.tostring(el, encoding="unicode").replace(_W_DECLARATION, "")
    if "xmlns" in text:
        raise ValueError(f"fragment needs its own namespace: {text[:80]}")
    return text


@functools.cache
def _ppr_xml(**kwargs) -> str:
    return _xml(_ppr(**kwargs))


@functools.cache
def _rpr_xml(east_asia: str, size: float, **kwargs) -> str:
    return _xml(_rpr(east_asia, size, **kwargs))


def _t_xml(text: str) -> str:
    # What lxml writes for the same text: &, <, > escaped; spaces kept when at an edge.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text != text.strip():
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


# -- raw XML helpers (children created in schema order) --------------------------------


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), value)
    return el


def _text(text: str):
    t = _el("w:t")
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def _ppr(
    *,
    jc: str,
    first_line_chars: int = 0,
    right_chars: int = 0,
    line: int = LINE_PITCH,
    rule: str = "exact",
    autospace: bool = True,
):
    ppr = _el("w:pPr")
    # Off: a page holds its full 22 lines (no line pushed over to keep two together).
    ppr.append(_el("w:widowControl", val="0"))
    if not autospace:
        ppr.append(_el("w:autoSpaceDE", val="0"))
        ppr.append(_el("w:autoSpaceDN", val="0"))
    # Off: with exact spacing the line grid would only round lines up (fewer per page).
    ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before="0", after="0", line=str(line), lineRule=rule))
    ind = {"left": "0", "right": str(right_chars * CHAR_3 // 100)}
    if right_chars:
        ind["rightChars"] = str(right_chars)
    ind["firstLine"] = str(first_line_chars * CHAR_3 // 100)
    if first_line_chars:
        ind["firstLineChars"] = str(first_line_chars)
    ppr.append(_el("w:ind", **ind))
    ppr.append(_el("w:jc", val=jc))
    return ppr


def _rpr(
    east_asia: str,
    size: float,
    *,
    latin: str = FONT_LATIN,
    bold: bool = False,
    condense: bool = False,
):
    rpr = _el("w:rPr")
    rpr.append(
        _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia")
    )
    # Explicit "off" so no style can make 小标宋/黑体/楷体 bold.
    rpr.append(_el("w:b", val="1" if bold else "0"))
    rpr.append(_el("w:bCs", val="1" if bold else "0"))
    if condense and size == SIZE_3:
        rpr.append(_el("w:spacing", val=str(CONDENSE_3)))
    half_points = str(round(size * 2))
    rpr.append(_el("w:sz", val=half_points))
    rpr.append(_el("w:szCs", val=half_points))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN"))
    return rpr


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
