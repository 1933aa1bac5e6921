"""The Word writer's output is pinned: a fixed input gives the document recorded in
``gongwen_sample.txt`` (canonical XML of every part; creation times left out).

The fixture was written by the python-docx implementation before the table writer was
rewritten for speed (issue 13), so this proves the faster writer makes the same document.
Regenerate it only on purpose, after looking at the diff of a deliberate layout change:

    .venv/bin/python -m mofan.core.tests.test_gongwen_same_output
"""

import datetime as dt
import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path

from lxml import etree

from mofan.core.gongwen import Block, Table, render_gongwen

FIXTURE = Path(__file__).with_name("gongwen_sample.txt")
# Parts written in full; the others (styles.xml is 350 KB of python-docx's template)
# are pinned by their digest.
SHOWN = ("word/document.xml", "word/footer1.xml", "word/footer2.xml", "docProps/core.xml")


def fixed_input():
    rows = [
        [1, "1月5日", "局机关党支部", "学习贯彻全国两会精神", "《政府工作报告》\n研讨题目：如何落实", "23/25\n92.0%"],
        [2, "2月3日", "第二党支部", " 前后有空格 ", "A & B < C > D \"引号\" '单引号'", None],
        [3, "3月1日", "第三党支部\x07", "", "", ""],
        [4, "4月9日"],
        [5, "5月20日", "局机关党支部", "英文 Latin 1234 和数字", "\u3000全角空格开头", "—"],
        [6, "6月30日", "局机关党支部", "多行\r\n换行\r旧式", "a\n\nb", "0/0"],
        [7, "7月1日", "党组", "x" * 120, "很长的内容" * 20, "25/25\n100.0%"],
    ]
    return (
        "示例县文广新旅局\n2025年度学习台账",
        [
            Block("2025年，示例县文广新旅局党组会议学习第一议题24次。各次学习活动记录如下。"),
            Block("一、第一议题（2次）", level=1),
            Table(["序号", "日期", "党组织", "主题", "学习内容", "出勤"], rows,
                  widths=[0.8, 1.4, 1.7, 2.6, 3.0, 1.4]),
            Block("（二）强化理论武装。", level=2, tail="全年开展集中学习12次。\n第二行"),
            Block("1.坚持第一议题制度。", level=3),
            Block("（1）建立学习台账。", level=4),
            Table(["序号", "教育基地", "服务场次", "服务人次"],
                  [[1, "“示例事件”史迹陈列馆", 12, 450], [2, "红色教育基地", "3", "90"]],
                  widths=[0.8, 4, 1.5, 1.5], size=14),
            Table(["单位"], []),
            Table(["甲", "乙", "丙"], [["1", "2", "3"]]),
        ],
        {"signature": "示例县文化广电新闻出版旅游局", "date": dt.date(2025, 12, 31),
         "level3_bold": True},
    )


def render_fixed_input() -> bytes:
    title, blocks, kwargs = fixed_input()
    return render_gongwen(title, blocks, **kwargs)


def _canonical(xml: bytes) -> str:
    root = etree.fromstring(xml)
    etree.indent(root, space=" ")
    return etree.tostring(root, method="c14n2").decode()


def normalized(data: bytes) -> str:
    """Every part by name: the shown ones as canonical XML, the others as a digest."""
    package = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for name in sorted(package.namelist()):
        blob = package.read(name)
        if name in SHOWN:
            text = _canonical(blob)
            if name == "docProps/core.xml":  # the creation time is the only moving part
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", r"\1…", text)
            out.append(f"== {name}\n{text}")
        else:
            out.append(f"== {name} sha256 {hashlib.sha256(blob).hexdigest()}")
    return "\n".join(out) + "\n"


def test_fixed_input_gives_the_recorded_document():
    expected = FIXTURE.read_text(encoding="utf-8")
    got = normalized(render_fixed_input())
    assert got.splitlines() == expected.splitlines()


def test_the_fixture_holds_the_tables_it_claims():
    # Guards the fixture itself: a truncated or empty file would pin nothing.
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.count("<w:tbl>") == 4
    assert text.count("<w:tr>") == 8 + 3 + 1 + 2
    assert "A &amp; B &lt; C &gt; D" in text
    assert "word/styles.xml sha256" in text


if __name__ == "__main__":  # regenerate, see the module docstring
    FIXTURE.write_text(normalized(render_fixed_input()), encoding="utf-8")
    sys.stdout.write(f"wrote {FIXTURE}\n")
