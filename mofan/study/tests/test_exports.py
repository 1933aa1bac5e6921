import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook

from mofan.study.exports import ledger_docx
from mofan.study.models import StudySession

from . import factories as f

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(name):
    return f"{{{W}}}{name}"


def _document(data):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def _ledger_world(world):
    f.first_topic(world)
    f.session(world, theme="八扬八治作风建设", materials="《中国共产党支部工作条例（试行）》",
              taken=True)
    f.session(world, kind=StudySession.LECTURE, speaker=world.head_person, leader_lecture=True,
              theme="专题党课：全面从严治党")
    f.red_service(world, people=45)


def test_the_word_ledger_opens_with_official_fonts_and_margins(world):
    import docx

    _ledger_world(world)
    response = world.client("admin").get("/study/ledger.docx?year=2025")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    docx.Document(io.BytesIO(response.content))  # opens
    root = _document(response.content)
    sect = root.find("w:body/w:sectPr", NS)
    margins = {k: sect.find("w:pgMar", NS).get(_w(k)) for k in ("top", "bottom", "left", "right")}
    assert margins == {"top": "2098", "bottom": "1984", "left": "1588", "right": "1474"}
    assert sect.find("w:pgSz", NS).get(_w("w")) == "11906"
    fonts = {r.get(_w("eastAsia")) for r in root.iter(_w("rFonts"))}
    assert {"方正小标宋简体", "仿宋_GB2312", "黑体"} <= fonts
    title = root.find("w:body/w:p", NS)
    assert "".join(title.itertext()) == "测试县文广新旅局2025年度学习台账"
    assert title.find("w:r/w:rPr/w:sz", NS).get(_w("val")) == "44"


def test_the_word_ledger_lists_every_session_and_nothing_of_another_organ(world):
    _ledger_world(world)
    f.session(world, party_org=world.other.partyorg_set.get(), theme="发改局的学习")
    text = "".join(_document(ledger_docx(world.organ, 2025, dt.date(2025, 12, 31))).itertext())
    for expected in ("一、第一议题（1次，其中会议首项学习", "八扬八治作风建设", "授课人：王股长（领导干部）",
                     "“示例事件”史迹陈列馆", "支部集中学习1次", "2/2"):
        assert expected in text, expected
    assert "发改局的学习" not in text


def test_the_word_ledger_of_another_organ_is_out_of_reach(world):
    _ledger_world(world)
    response = world.client("outsider").get(f"/study/ledger.docx?year=2025&organ={world.organ.pk}")
    text = "".join(_document(response.content).itertext())
    assert "测试县发改局" in text and "八扬八治" not in text


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_the_word_ledger_converts_to_pdf(world, tmp_path):
    _ledger_world(world)
    path = tmp_path / "ledger.docx"
    path.write_bytes(ledger_docx(world.organ, 2025, dt.date(2025, 12, 31)))
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=180)
    assert (tmp_path / "ledger.pdf").stat().st_size > 1000


def test_the_session_list_exports_xlsx_with_chinese_headers(world):
    _ledger_world(world)
    response = world.client("admin").get("/study/sessions/?year=2025&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "类型", "党组织", "主题")
    assert len(rows) == 1 + 3
    assert {r[1] for r in rows[1:]} == {"第一议题", "支部集中学习", "党课"}


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "党组织", "主题", "主持人", "领导干部讲党课", "授课人"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "sessions.xlsx"
    return buf


def test_importing_past_sessions_reports_every_bad_row_and_saves_nothing(world):
    sheet = _sheet([
        ["2025-01-10", "支部集中学习", "机关第一党支部", "学习党章", "王股长", "否", ""],
        ["2025-13-01", "支部集中学习", "机关第一党支部", "坏日期", "", "", ""],
        ["2025-02-10", "第一议题", "机关第一党支部", "第一议题", "", "", ""],
        ["2025-02-11", "支部集中学习", "发改局党支部", "别人的支部", "", "", ""],
    ])
    response = world.client("admin").post("/study/sessions/import/", {"file": sheet})
    assert response.status_code == 422
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert (3, "日期") in errors and (4, "类型") in errors and (5, "党组织") in errors
    assert not StudySession.objects.exists()


def test_importing_past_sessions_commits_all_rows(world):
    sheet = _sheet([
        ["2025-01-10", "支部集中学习", "机关第一党支部", "学习党章", "王股长", "否", ""],
        ["2025年2月12日", "党课", "机关第一党支部", "专题党课", "", "是", "王股长"],
    ])
    client = world.client("admin")
    response = client.post("/study/sessions/import/", {"file": sheet})
    assert response.status_code == 200
    token = client.session["mofan_import_token"]
    response = client.post("/study/sessions/import/", {"confirm": "1", "token": token})
    assert response.status_code == 302
    lecture = StudySession.objects.get(kind="lecture")
    assert lecture.leader_lecture and lecture.speaker == world.head_person
    assert lecture.org == world.organ
    assert StudySession.objects.count() == 2


def test_the_word_ledger_of_an_organ_without_study_records_says_dash_not_none(world):
    from mofan.study.exports import ledger_blocks

    intro = ledger_blocks(world.other, 2025)[0].text
    assert "None" not in intro
    assert "学习第一议题0次，其中以第一议题开篇—次（第一议题覆盖率—）" in intro


def test_the_word_ledger_says_no_roll_was_taken_rather_than_a_rate(world):
    f.session(world, theme="尚未点名的学习")
    text = "".join(_document(ledger_docx(world.organ, 2025, dt.date(2025, 12, 31))).itertext())
    assert "学习活动尚无点名记录" in text and "出勤率0" not in text
    assert "第一议题覆盖率—" in text  # no 党组会议 this year: no rate, not 0 %
    assert "未点名" in text


def test_the_word_ledger_summary_and_heading_count_first_topics_alike(world):
    _ledger_world(world)
    from mofan.study.exports import ledger_blocks

    blocks = ledger_blocks(world.organ, 2025)
    heading = next(b.text for b in blocks if getattr(b, "text", "").startswith("一、第一议题"))
    listed = int(heading.split("（")[1].split("次")[0])
    assert f"学习第一议题{listed}次" in blocks[0].text
    opened = heading.split("其中会议首项学习")[1].split("次")[0]
    assert f"其中以第一议题开篇{opened}次" in blocks[0].text


def test_the_word_ledger_has_one_table_row_per_session(world):
    import docx

    for day in range(1, 13):
        f.session(world, date=dt.date(2025, 3, day), theme=f"第{day}次支部学习")
    f.red_service(world, people=45)
    document = docx.Document(io.BytesIO(ledger_docx(world.organ, 2025, dt.date(2025, 12, 31))))
    branch, red = document.tables
    assert len(branch.rows) == 1 + 12  # the header, then one row per session
    assert [r.cells[0].text for r in branch.rows[1:]] == [str(i) for i in range(1, 13)]
    assert [r.cells[3].text for r in branch.rows[1:]] == [f"第{d}次支部学习" for d in range(1, 13)]
    assert len(red.rows) == 1 + 1
