"""Large tables in the Word writer (issue 13): every row kept, the document still a
python-docx document, cost growing with the rows and not faster, and nothing carried over
from one document to the next by the package built once."""

import datetime as dt
import io
import re
import time
import zipfile

import docx

from mofan.core.gongwen import Block, Table, render_gongwen

HEADERS = ["序号", "日期", "党组织", "主题", "学习内容", "出勤"]


def _rows(n: int) -> list[list]:
    return [[i, f"{i % 12 + 1}月{i % 28 + 1}日", "局机关党支部", f"第{i}次学习",
             "《习近平谈治国理政》\n研讨题目：如何落实", f"{i % 30}/30"] for i in range(1, n + 1)]


def _ledger(n: int) -> bytes:
    return render_gongwen("学习台账", [Block("各次学习活动记录如下。"),
                                       Table(HEADERS, _rows(n), widths=[0.8, 1.4, 1.7, 2.6, 3.0, 1.4])])


def _document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_a_2000_row_table_opens_in_python_docx_with_every_row():
    document = docx.Document(io.BytesIO(_ledger(2000)))
    (table,) = document.tables
    assert len(table.rows) == 2001
    assert [c.text for c in table.rows[0].cells] == HEADERS
    last = [c.text for c in table.rows[-1].cells]
    assert last == ["2000", "9月13日", "局机关党支部", "第2000次学习",
                    "《习近平谈治国理政》\n研讨题目：如何落实", "20/30"]
    for cell in table.rows[-1].cells:
        run = cell.paragraphs[0].runs[0]
        assert run.font.size.pt == 12  # 小四
        assert run.font.bold is False


def test_table_cost_grows_about_linearly_with_rows():
    def best(n):
        _ledger(n)  # warm
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            _ledger(n)
            times.append(time.perf_counter() - t0)
        return min(times)

    # Ten times the rows: about ten times the time (python-docx's writer was already
    # linear; a quadratic one would be ~100x). Generous for a shared machine.
    assert best(2000) / best(200) < 15


def test_text_that_looks_like_xml_stays_text():
    data = render_gongwen("<标题>", [Table(["a & b"], [["<w:p>x</w:p> ]]> &amp;"]])])
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "<标题>"
    assert document.tables[0].cell(0, 0).text == "a & b"
    assert document.tables[0].cell(1, 0).text == "<w:p>x</w:p> ]]> &amp;"


def test_each_document_carries_the_time_it_was_written():
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    props = docx.Document(io.BytesIO(_ledger(1))).core_properties
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for stamp in (props.created, props.modified):
        assert before <= stamp.replace(tzinfo=None) <= after


def test_documents_written_in_turn_share_nothing_but_the_layout():
    first = _document_xml(_ledger(3))
    other = _document_xml(render_gongwen("另一份", [Block("别的内容")]))
    assert "第3次学习".encode() not in other
    assert _document_xml(_ledger(3)) == first
    # One body, one section, whatever came before.
    assert len(re.findall(rb"<w:body>", first)) == 1
    assert len(re.findall(rb"<w:sectPr", other)) == 1
