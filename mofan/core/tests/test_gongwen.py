import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from lxml import etree

from mofan.core.gongwen import Block, Table, format_cn_date, render_gongwen

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
BODY = "根据县委工作部署，我局认真开展模范机关创建工作，现将有关情况报告如下。"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _xml(data: bytes, name: str):
    return etree.fromstring(_zip(data).read(name))


def _paragraphs(data: bytes):
    return _xml(data, "word/document.xml").findall("w:body/w:p", NS)


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iterfind(".//w:t", NS))


def _attr(el, path: str, name: str):
    found = el.find(path, NS)
    return None if found is None else found.get(_w(name))


def _run_fonts(p) -> list[str]:
    return [r.find("w:rPr/w:rFonts", NS).get(_w("eastAsia")) for r in p.findall("w:r", NS)]


def _sample(**kwargs) -> bytes:
    blocks = [
        Block(BODY),
        Block("一、主要做法", level=1),
        Block("（一）强化理论武装。", level=2, tail="全年开展集中学习12次。"),
        Block("1.坚持第一议题制度。", level=3),
        Block("（1）建立学习台账。", level=4),
    ]
    return render_gongwen("关于模范机关创建工作的报告", blocks, **kwargs)


def test_page_size_margins_and_line_grid():
    sect = _xml(_sample(), "word/document.xml").find("w:body/w:sectPr", NS)
    assert _attr(sect, "w:pgSz", "w") == "11906"
    assert _attr(sect, "w:pgSz", "h") == "16838"
    margins = {k: _attr(sect, "w:pgMar", k) for k in ("top", "bottom", "left", "right")}
    assert margins == {"top": "2098", "bottom": "1984", "left": "1588", "right": "1474"}
    assert _attr(sect, "w:docGrid", "type") == "lines"
    assert _attr(sect, "w:docGrid", "linePitch") == "579"


def test_title_then_blank_line_then_body():
    paras = _paragraphs(_sample())
    title, blank, body = paras[0], paras[1], paras[2]
    assert _text(title) == "关于模范机关创建工作的报告"
    assert _attr(title, "w:pPr/w:jc", "val") == "center"
    run = title.find("w:r/w:rPr", NS)
    assert _attr(run, "w:rFonts", "eastAsia") == "方正小标宋简体"
    assert _attr(run, "w:sz", "val") == "44"  # 2号 = 22 pt
    assert _attr(run, "w:b", "val") == "0"
    assert _text(blank) == ""
    assert _text(body) == BODY


def test_title_line_break_and_no_title():
    paras = _paragraphs(render_gongwen("某某局关于\n创建工作的报告", [Block(BODY)]))
    assert paras[0].find("w:r/w:br", NS) is not None
    assert _text(paras[0]) == "某某局关于创建工作的报告"
    paras = _paragraphs(render_gongwen("", [Block(BODY)]))
    assert len(paras) == 1
    assert _text(paras[0]) == BODY


def test_body_paragraph_layout():
    body = _paragraphs(_sample())[2]
    ppr = body.find("w:pPr", NS)
    assert _attr(ppr, "w:spacing", "line") == "579"
    assert _attr(ppr, "w:spacing", "lineRule") == "exact"
    assert _attr(ppr, "w:snapToGrid", "val") == "0"
    assert _attr(ppr, "w:ind", "firstLineChars") == "200"
    assert _attr(ppr, "w:jc", "val") == "both"
    rpr = body.find("w:r/w:rPr", NS)
    assert _attr(rpr, "w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert _attr(rpr, "w:rFonts", "ascii") == "Times New Roman"
    assert _attr(rpr, "w:rFonts", "hAnsi") == "Times New Roman"
    assert _attr(rpr, "w:sz", "val") == "32"  # 3号 = 16 pt
    assert _attr(rpr, "w:spacing", "val") == "-5"  # condensed 0.25 pt


def test_every_paragraph_on_exact_579_and_off_grid():
    for p in _paragraphs(_sample(signature="某某县某某局", date=dt.date(2025, 1, 2))):
        assert _attr(p, "w:pPr/w:spacing", "line") == "579"
        assert _attr(p, "w:pPr/w:spacing", "lineRule") == "exact"
        assert _attr(p, "w:pPr/w:snapToGrid", "val") == "0"


def test_heading_fonts_and_bold():
    paras = _paragraphs(_sample())
    h1, h2, h3, h4 = paras[3:7]
    assert _run_fonts(h1) == ["黑体"]
    assert _run_fonts(h2) == ["楷体_GB2312", "仿宋_GB2312"]  # run-in heading + tail
    assert _text(h2) == "（一）强化理论武装。全年开展集中学习12次。"
    assert _run_fonts(h3) == ["仿宋_GB2312"]
    assert _run_fonts(h4) == ["仿宋_GB2312"]
    for p in (h1, h2, h3, h4):
        assert _attr(p, "w:pPr/w:ind", "firstLineChars") == "200"
        for b in p.iterfind("w:r/w:rPr/w:b", NS):
            assert b.get(_w("val")) == "0"
    h3_bold = _paragraphs(_sample(level3_bold=True))[5]
    assert _attr(h3_bold, "w:r/w:rPr/w:b", "val") == "1"
    h1_still = _paragraphs(_sample(level3_bold=True))[3]
    assert _attr(h1_still, "w:r/w:rPr/w:b", "val") == "0"


def test_document_defaults_are_body_text_but_not_condensed():
    rpr = _xml(_sample(), "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert _attr(rpr, "w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert _attr(rpr, "w:sz", "val") == "32"
    # Footers and tables inherit the defaults; only explicit 3号 runs are condensed.
    assert rpr.find("w:spacing", NS) is None
    settings = _xml(_sample(), "word/settings.xml")
    assert _attr(settings, "w:themeFontLang", "eastAsia") == "zh-CN"


def test_bad_level_refused():
    with pytest.raises(ValueError):
        render_gongwen("", [Block("x", level=5)])


def test_odd_even_page_number_footers():
    data = _sample()
    assert _xml(data, "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    sect = _xml(data, "word/document.xml").find("w:body/w:sectPr", NS)
    refs = {
        ref.get(_w("type")): ref.get(f"{{{R}}}id") for ref in sect.findall("w:footerReference", NS)
    }
    assert set(refs) == {"default", "even"}
    rels = etree.fromstring(_zip(data).read("word/_rels/document.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    footers = {kind: _xml(data, "word/" + targets[rid]) for kind, rid in refs.items()}
    for kind, jc, side in (("default", "right", "right"), ("even", "left", "left")):
        p = footers[kind].find("w:p", NS)
        assert _attr(p, "w:pPr/w:jc", "val") == jc
        assert _attr(p, "w:pPr/w:ind", side) == "320"  # one 3号 character in
        kinds = [f.get(_w("fldCharType")) for f in p.iterfind(".//w:fldChar", NS)]
        assert kinds == ["begin", "separate", "end"]
        assert p.find(".//w:instrText", NS).text.strip() == "PAGE"
        texts = [t.text for t in p.iterfind(".//w:t", NS)]
        assert texts[0] == "— " and texts[-1] == " —"
        for rpr in p.iterfind("w:r/w:rPr", NS):
            assert _attr(rpr, "w:rFonts", "eastAsia") == "宋体"
            assert _attr(rpr, "w:sz", "val") == "28"  # 4号 = 14 pt


def test_core_properties_cleared_and_no_thumbnail():
    data = _sample()
    props = docx.Document(io.BytesIO(data)).core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments"):
        assert getattr(props, name) == "", name
    names = _zip(data).namelist()
    assert not [n for n in names if "thumbnail" in n]
    assert "python-docx" not in _zip(data).read("docProps/core.xml").decode()


def test_no_template_leftovers_in_the_package():
    data = _sample()
    names = _zip(data).namelist()
    assert "docProps/app.xml" not in names  # "Microsoft Macintosh Word", Normal.dotm
    assert not [n for n in names if n.startswith("customXml") or "stylesWithEffects" in n]
    types = _zip(data).read("[Content_Types].xml").decode()
    assert "extended-properties" not in types and "customXml" not in types
    settings = _zip(data).read("word/settings.xml").decode()
    assert "w:rsid" not in settings and "docId" not in settings
    assert "savePreviewPicture" not in settings
    docx.Document(io.BytesIO(data))  # still a valid package


def test_widow_control_is_off_so_full_pages_hold_22_lines():
    data = _sample(signature="某某县某某局", date=dt.date(2025, 1, 2))
    paragraphs = _paragraphs(data)
    assert all(_attr(p, "w:pPr/w:widowControl", "val") == "0" for p in paragraphs)
    defaults = _xml(data, "word/styles.xml").find("w:docDefaults/w:pPrDefault/w:pPr", NS)
    assert _attr(defaults, "w:widowControl", "val") == "0"
    for name in ("word/footer1.xml", "word/footer2.xml"):
        assert _attr(_xml(data, name).find("w:p", NS), "w:pPr/w:widowControl", "val") == "0"


def test_table_rows_are_never_split_across_pages():
    data = render_gongwen("", [Table(["甲", "乙"], [["1", "很长的内容\n第二行"], ["2", "3"]])])
    rows = _xml(data, "word/document.xml").findall(".//w:tbl/w:tr", NS)
    assert len(rows) == 3 and all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)


def test_format_cn_date():
    assert format_cn_date(dt.date(2022, 12, 30)) == "2022年12月30日"
    assert format_cn_date(dt.date(2023, 1, 5)) == "2023年1月5日"


def _signature_paras(signature: str, date: dt.date | None):
    paras = _paragraphs(render_gongwen("", [Block(BODY)], signature=signature, date=date))
    assert _text(paras[1]) == ""  # one blank line after the body
    return paras[2:]


def _width_chars(text: str) -> float:
    return sum(0.5 if ch.isascii() else 1 for ch in text)


@pytest.mark.parametrize("organ", ["中共某某县委员会办公室", "某某县某某局"])
def test_signature_and_date_positions(organ):
    sig, date = _signature_paras(organ, dt.date(2022, 12, 30))
    assert _text(sig) == organ
    assert _text(date) == "2022年12月30日"
    for p in (sig, date):
        assert _attr(p, "w:pPr/w:jc", "val") == "right"
    sig_right = int(_attr(sig, "w:pPr/w:ind", "rightChars")) / 100
    date_right = int(_attr(date, "w:pPr/w:ind", "rightChars")) / 100
    sig_start = sig_right + _width_chars(organ)
    date_start = date_right + _width_chars("2022年12月30日")
    # GB/T 9704 7.3.5.2: date starts two characters right of the organ name.
    assert sig_start - date_start == 2
    assert min(sig_right, date_right) == 2


def test_long_organ_name_sits_two_characters_in():
    sig, date = _signature_paras("中共某某县委员会办公室", dt.date(2022, 12, 30))
    assert _attr(sig, "w:pPr/w:ind", "rightChars") == "200"
    assert _attr(date, "w:pPr/w:ind", "rightChars") == "400"


def test_signature_or_date_alone_sits_two_characters_in():
    (sig,) = _signature_paras("局", None)
    assert _attr(sig, "w:pPr/w:ind", "rightChars") == "200"
    (date,) = _signature_paras("", dt.date(2023, 1, 5))
    assert _text(date) == "2023年1月5日"
    assert _attr(date, "w:pPr/w:ind", "rightChars") == "200"


def test_no_signature_no_trailing_paragraphs():
    assert len(_paragraphs(render_gongwen("", [Block(BODY)]))) == 1


def test_table_block():
    rows = [["1", "2025年3月5日", "集中学习", "学习贯彻全国两会精神", "传达学习", "25"], ["2", "x"]]
    headers = ["序号", "日期", "类型", "主题", "内容", "参加人数"]
    data = render_gongwen("学习台账", [Table(headers, rows, widths=[1, 3, 2, 4, 5, 2])])
    tbl = _xml(data, "word/document.xml").find("w:body/w:tbl", NS)
    assert tbl is not None
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert _attr(borders, f"w:{side}", "val") == "single"
    cols = [int(c.get(_w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(cols) == 11906 - 1588 - 1474
    assert cols[4] > cols[3] > cols[0]
    trs = tbl.findall("w:tr", NS)
    assert len(trs) == 3
    assert trs[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [_text(tc) for tc in trs[0].findall("w:tc", NS)] == headers
    assert [_text(tc) for tc in trs[2].findall("w:tc", NS)] == ["2", "x", "", "", "", ""]
    for p in tbl.iterfind(".//w:p", NS):
        assert _attr(p, "w:pPr/w:spacing", "line") == "240"
        assert _attr(p, "w:pPr/w:spacing", "lineRule") == "auto"
        for rpr in p.iterfind("w:r/w:rPr", NS):
            assert _attr(rpr, "w:rFonts", "eastAsia") == "仿宋_GB2312"
            assert _attr(rpr, "w:sz", "val") == "24"  # 小四 = 12 pt
            assert rpr.find("w:spacing", NS) is None  # only 3号 is condensed
    data14 = render_gongwen("", [Table(["a"], [["b"]], size=14)])
    sizes = {
        e.get(_w("val")) for e in _xml(data14, "word/document.xml").iterfind(".//w:tc//w:sz", NS)
    }
    assert sizes == {"28"}


def test_table_row_too_long_refused():
    with pytest.raises(ValueError):
        render_gongwen("", [Table(["a"], [["b", "c"]])])


def test_xml_illegal_characters_are_dropped():
    paras = _paragraphs(render_gongwen("标\x07题", [Block("正\x0b文\x00")]))
    assert _text(paras[0]) == "标题"
    assert _text(paras[2]) == "正文"


def test_reopens_with_python_docx():
    document = docx.Document(
        io.BytesIO(_sample(signature="某某县某某局", date=dt.date(2025, 1, 2)))
    )
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于模范机关创建工作的报告"
    assert texts[-2:] == ["某某县某某局", "2025年1月2日"]


# -- rendering through LibreOffice -----------------------------------------------------

CHARS = "模范机关创建工作管理系统学习台账民情诉求整改销号督办考核评价"
PT_PER_TWIP = 1 / 20


def _convert(data: bytes, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    pdftotext = shutil.which("pdftotext")
    if not office or not pdftotext:
        pytest.skip("LibreOffice / pdftotext not installed")
    src = tmp_path / "doc.docx"
    src.write_bytes(data)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return pdftotext, tmp_path / "doc.pdf"


def _words(pdftotext: str, pdf, page: int):
    out = subprocess.run(  # noqa: S603
        [pdftotext, "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pattern, out)
    ]


def test_libreoffice_page_holds_22_lines_of_28_characters(tmp_path):
    first, full, page2_lines = 26, 28, 5  # the first line is indented two characters
    text = "".join(CHARS[i % len(CHARS)] for i in range(first + full * (21 + page2_lines)))
    pdftotext, pdf = _convert(render_gongwen("", [Block(text)]), tmp_path)

    layout = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [p for p in layout.split("\f") if p.strip()]
    assert len(pages) == 2
    body1 = [ln.strip() for ln in pages[0].splitlines() if ln.strip() and "—" not in ln]
    expected = [text[:first]] + [text[first + full * i : first + full * (i + 1)] for i in range(21)]
    assert body1 == expected  # 22 lines; every full line holds exactly 28 characters
    body2 = [ln.strip() for ln in pages[1].splitlines() if ln.strip() and "—" not in ln]
    assert len(body2) == page2_lines

    # Geometry (PDF points): text block from 28 mm left to 26 mm right of the A4 page.
    left, right = 1588 * PT_PER_TWIP, (11906 - 1474) * PT_PER_TWIP
    lines = [w for w in _words(pdftotext, pdf, 1) if "—" not in w[4] and not w[4].isdigit()]
    assert all(w[0] >= left - 0.5 and w[2] <= right + 0.5 for w in lines)
    assert abs(lines[1][0] - left) < 1  # full lines start at the left margin
    assert lines[0][0] - left == pytest.approx(32, abs=1.5)  # two-character indent

    # Page numbers: odd page right, even page left, one character (16 pt) in.
    num1 = [w for w in _words(pdftotext, pdf, 1) if w[1] > lines[-1][3]]
    num2 = [w for w in _words(pdftotext, pdf, 2) if w[4] in ("—", "2")]
    assert [w[4] for w in num1] == ["—", "1", "—"]
    assert [w[4] for w in num2] == ["—", "2", "—"]
    assert num1[-1][2] == pytest.approx(right - 16, abs=1.5)
    assert num2[0][0] == pytest.approx(left + 16, abs=1.5)
    # The dashes sit roughly 7 mm (19.8 pt) below the text block.
    block_bottom = (16838 - 1984) * PT_PER_TWIP
    dash_middle = (num1[0][1] + num1[0][3]) / 2
    assert 5 * 72 / 25.4 < dash_middle - block_bottom < 9 * 72 / 25.4
