"""Word documents (issue 13): the 学习台账 of the busiest organ, rendered in the GB/T 9704
layout N times (env BENCH_REPEAT, default 7), beside two floors measured in the same run.

    .venv/bin/python bench/documents.py
    BENCH_REPEAT=15 DATABASE_URL=sqlite:////tmp/x/db.sqlite3 .venv/bin/python bench/documents.py

(an empty database gets the organ-scale demo first)

- mofan: ``render_gongwen`` on the ledger's paragraphs and tables (already read from the
  database) — what the download costs beyond its queries; the whole download
  (``ledger_docx``: queries + rendering) is printed too;
- floor 1: the same text and tables written with the plain python-docx API (add_paragraph,
  add_table, add_row, cell.text) — no layout at all;
- floor 2: a bare XML writer: the same document.xml built as one string (checked equal to
  mofan's after canonicalisation), zipped with the same other parts — the least work that
  produces the same file.

Prints (and, under ``make bench``, records) median and min–max of each, ms per table
row, and the ratios (of the medians; of the fastest runs in the note). Not a test.
"""

import datetime as dt
import io
import os
import statistics
import time
import unicodedata
import zipfile

from _setup import report, setup_django, timed  # noqa: E402

setup_django()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from docx import Document  # noqa: E402
from lxml import etree  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))


# -- floor 2: the same document.xml as one string ----------------------------------------

FONTS = {0: "仿宋_GB2312", 1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def t(text):
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{space}>{esc(text)}</w:t>"


def ppr(jc, first=0, right=0, line=579, rule="exact", autospace=True):
    auto = "" if autospace else '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
    ind = f'<w:ind w:left="0" w:right="{right * 320 // 100}"'
    ind += f' w:rightChars="{right}"' if right else ""
    ind += f' w:firstLine="{first * 320 // 100}"'
    ind += f' w:firstLineChars="{first}"' if first else ""
    return (f'<w:pPr><w:widowControl w:val="0"/>{auto}<w:snapToGrid w:val="0"/>'
            f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="{rule}"/>'
            f'{ind}/><w:jc w:val="{jc}"/></w:pPr>')


def rpr(font, size, bold=False, condense=False):
    b = "1" if bold else "0"
    tnr = "Times New Roman"
    return (f'<w:rPr><w:rFonts w:ascii="{tnr}" w:hAnsi="{tnr}" w:eastAsia="{font}" w:cs="{tnr}" '
            f'w:hint="eastAsia"/><w:b w:val="{b}"/><w:bCs w:val="{b}"/>'
            + ('<w:spacing w:val="-5"/>' if condense and size == 16 else "")
            + f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')


def runs(text, props):
    return "".join(f"<w:r>{props}{'<w:br/>' if i else ''}{t(part)}</w:r>"
                   for i, part in enumerate(text.split("\n")))


def half_width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def bare_document_xml(head, tail, title, blocks, signature, date_text):
    from mofan.core.gongwen import Table

    out = [head, f"<w:p>{ppr('center')}{runs(title, rpr('方正小标宋简体', 22))}</w:p>",
           f"<w:p>{ppr('both')}</w:p>"]
    for b in blocks:
        if not isinstance(b, Table):
            tail_runs = runs(b.tail, rpr(FONTS[0], 16, condense=True)) if b.tail else ""
            out.append(f"<w:p>{ppr('both', first=200)}"
                       f"{runs(b.text, rpr(FONTS[b.level], 16, condense=True))}{tail_runs}</w:p>")
            continue
        weights = b.widths or [1] * len(b.headers)
        widths = [int(8844 * w / sum(weights)) for w in weights]
        widths[-1] = 8844 - sum(widths[:-1])
        border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        out.append(
            '<w:tbl><w:tblPr><w:tblW w:w="8844" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
            + "".join(f"<w:{s} {border}" for s in ("top", "left", "bottom", "right", "insideH",
                                                   "insideV"))
            + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
            '<w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr><w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid>")
        # Per table, not per row: each kind of cell's properties written once.
        kinds = {header: (rpr("仿宋_GB2312", b.size, bold=header),
                          [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/><w:vAlign '
                           f'w:val="center"/></w:tcPr><w:p>'
                           + ppr("center" if header else "left", line=240, rule="auto")
                           for w in widths]) for header in (True, False)}
        for header, values in [(True, b.headers)] + [(False, r) for r in b.rows]:
            values = ["" if v is None else str(v) for v in values]
            values += [""] * (len(widths) - len(values))
            props, cells = kinds[header]
            out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
                       + "</w:trPr>")
            for cell, v in zip(cells, values, strict=True):
                out.append(f"{cell}{runs(v, props)}</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
    out.append(f"<w:p>{ppr('both')}</w:p>")
    sig_right = 4
    date_right = sig_right + half_width(signature) - 4 - half_width(date_text)
    if date_right < 4:
        date_right = 4
        sig_right = date_right + half_width(date_text) + 4 - half_width(signature)
    for text, right in ((signature, sig_right), (date_text, date_right)):
        out.append(f"<w:p>{ppr('right', right=right * 50, autospace=False)}"
                   f"{runs(text, rpr('仿宋_GB2312', 16, condense=True))}</w:p>")
    out.append(tail)
    return "".join(out).encode()


def canonical(xml):
    return etree.tostring(etree.fromstring(xml), method="c14n2")


def main():
    call_command("migrate", verbosity=0)
    from mofan.core.gongwen import Table, format_cn_date, render_gongwen
    from mofan.orgs.models import Org
    from mofan.study.exports import ledger_blocks, ledger_docx
    from mofan.study.models import StudySession

    if not Org.objects.exists():
        t0 = time.perf_counter()
        call_command("load_demo", "--scale", "organ", "--seed", "1", stdout=StringIO())
        print(f"organ demo loaded in {time.perf_counter() - t0:.1f} s")
    busiest = (StudySession.objects.values("org__organ", "date__year")
               .annotate(n=Count("id")).order_by("-n").first())
    organ = Org.objects.get(pk=busiest["org__organ"])
    year = busiest["date__year"]
    date = dt.date(year, 12, 31)
    title = f"{organ.name}{year}年度学习台账"
    blocks = ledger_blocks(organ, year)
    tables = [b for b in blocks if isinstance(b, Table)]
    rows = sum(len(b.rows) + 1 for b in tables)

    def mofan():
        return render_gongwen(title, blocks, signature=organ.name, date=date)

    def floor1():
        doc = Document()
        doc.add_paragraph(title)
        for b in blocks:
            if not isinstance(b, Table):
                doc.add_paragraph(b.text + b.tail)
                continue
            table = doc.add_table(rows=1, cols=len(b.headers))
            for cell, text in zip(table.rows[0].cells, b.headers, strict=True):
                cell.text = text
            for r in b.rows:
                for cell, v in zip(table.add_row().cells, r, strict=False):
                    cell.text = "" if v is None else str(v)
        doc.add_paragraph(organ.name)
        doc.add_paragraph(format_cn_date(date))
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    # The parts floor 2 does not write (styles, settings, footers ...) and document.xml's
    # fixed head (namespaces) and tail (the section), taken from one mofan file.
    sample = zipfile.ZipFile(io.BytesIO(mofan()))
    parts = [(name, sample.read(name)) for name in sample.namelist()]
    document = sample.read("word/document.xml").decode()
    head = document[:document.index("<w:body>") + len("<w:body>")]
    tail = document[document.index("<w:sectPr"):]

    def floor2():
        xml = bare_document_xml(head, tail, title, blocks, organ.name, format_cn_date(date))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, blob in parts:
                z.writestr(name, xml if name == "word/document.xml" else blob)
        return buf.getvalue()

    same = canonical(zipfile.ZipFile(io.BytesIO(floor2())).read("word/document.xml")) == canonical(
        sample.read("word/document.xml"))
    print(f"{organ.name} {year}年度学习台账: {len(tables)} tables, {rows} table rows "
          f"(headers included); document.xml {len(document.encode()) // 1024} KB; "
          f"{REPEAT} runs each")
    print(f"floor 2 writes the same document.xml as mofan: {'yes' if same else 'NO'}\n")

    # Interleaved, so that a busy moment of a shared machine falls on all three alike.
    ours, f1, f2 = [], [], []
    for _ in range(REPEAT):
        ours += timed(mofan, 1)
        f1 += timed(floor1, 1)
        f2 += timed(floor2, 1)
    med = statistics.median
    # The fastest runs too: on a shared machine they show the work, the medians the load.
    per_row = f"{rows} table rows, {med(ours) * 1000 / rows:.3f} ms/row"
    report("学习台账 render_gongwen", ours, f2,
           floor_label="floor 2: bare XML writer + zip, the same document.xml",
           note=f"{per_row}; fastest runs {min(ours) / min(f2):.2f}x")
    report("学习台账 render_gongwen vs python-docx", ours, f1,
           floor_label="floor 1: plain python-docx API, same text and tables, no layout",
           note=f"fastest runs {min(ours) / min(f1):.2f}x")
    whole = timed(lambda: ledger_docx(organ, year, date), REPEAT)
    report("学习台账 whole download (ledger_docx, with queries)", whole, f2,
           floor_label="floor 2 (no queries)")


if __name__ == "__main__":
    main()
