"""年度总结 in the small world: preview, editor, copy forward, Word (正式版 / 公开版),
audit, scope, the CLI — and the queries a preview costs."""

import datetime as dt
import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from mofan.audit.models import AuditLog
from mofan.reports import services
from mofan.reports.models import PlaceName, SummaryTemplate
from mofan.reports.tests.factories import place, template
from mofan.study.models import RedBase
from mofan.tourism.tests.factories import honour

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
URL = "/reports/summary/?year=2025"


def _docx_xml(data, name="word/document.xml"):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def _plain(html):
    """A page's text without its tags (fields are links or spans inside the prose)."""
    return re.sub(r"<[^>]+>", "", html)


def _paragraph_texts(data):
    return ["".join(t.text or "" for t in p.iterfind(".//w:t", NS))
            for p in _docx_xml(data).iterfind("w:body/w:p", NS)]


# --- preview -------------------------------------------------------------------------


def test_preview_fills_the_fields_and_links_each_figure_to_its_records(world):
    template(world)
    page = world.client("admin").get(URL).content.decode()
    assert "测试县文广新旅局2025年创建模范机关工作总结" in _plain(page)
    assert "《测试实施方案》" in _plain(page)
    staff = f'/indicators/orgs.staff_count/{world.organ.pk}/?year=2025'
    assert re.search(rf'<a class="field" href="{re.escape(staff)}"[^>]*>3</a>', page)
    assert 'id="missing"' not in page and 'id="complete"' in page


def test_the_drilldown_behind_a_figure_opens_for_the_office(world):
    template(world)
    response = world.client("admin").get(f"/indicators/orgs.staff_count/{world.organ.pk}/?year=2025")
    assert response.status_code == 200 and "王股长" in response.content.decode()


def test_a_field_with_no_data_is_listed_at_the_top_and_never_shown_as_zero(world):
    template(world, body="全年接待游客{{ tourism.visitors|万 }}万人次。\n举办活动{{ culture.large_events }}场。")
    page = world.client("admin").get(URL).content.decode()
    top = page[page.index('id="missing"'):page.index('id="preview"')]
    assert "第 1 行" in top and "tourism.visitors" in top
    assert "第 2 行" in top and "culture.large_events" in top
    preview = page[page.index('id="preview"'):]
    assert preview.count('class="field-missing"') == 2
    assert "0万人次" not in preview and "0场" not in preview


def test_the_default_template_is_previewed_until_the_office_saves_one(world):
    page = world.client("admin").get(URL).content.decode()
    assert 'id="unsaved"' in page and "一、加强组织领导" in _plain(page)
    assert not SummaryTemplate.objects.exists()


# --- the final document refuses fields without data ------------------------------------


def test_no_data_field_is_refused_in_the_word_file(world):
    template(world, body="全年接待游客{{ tourism.visitors|万 }}万人次。")
    client = world.client("admin")
    response = client.get("/reports/summary/docx/?year=2025")
    assert response.status_code == 302
    message = client.get(response.url).content.decode()
    assert "未生成 Word 文件" in message and "tourism.visitors" in message
    with pytest.raises(ValueError, match="没有数据"):
        services.to_docx(services.build(SummaryTemplate.objects.get()))


def test_cli_refuses_a_word_file_with_fields_without_data(world, tmp_path):
    template(world, body="全年接待游客{{ tourism.visitors|万 }}万人次。")
    out = tmp_path / "s.docx"
    err = StringIO()
    with pytest.raises(CommandError, match="1 个字段没有数据"):
        call_command("summary", "--org", "wg", "--year", "2025", "--out", str(out), stderr=err)
    assert not out.exists() and "tourism.visitors" in err.getvalue()


def test_cli_text_draft_marks_no_data_and_strict_refuses_it(world, tmp_path):
    template(world, body="全年接待游客{{ tourism.visitors|万 }}万人次。")
    out = tmp_path / "s.txt"
    call_command("summary", "--org", "wg", "--year", "2025", "--out", str(out), "--format", "txt",
                 stdout=StringIO(), stderr=StringIO())
    assert "全年接待游客【无数据】万人次。" in out.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("summary", "--org", "wg", "--year", "2025", "--out", str(out), "--format",
                     "txt", "--strict", stdout=StringIO(), stderr=StringIO())


def test_cli_writes_the_word_file_and_the_public_text(world, tmp_path):
    template(world)
    place(world, "测试")
    call_command("summary", "--org", "wg", "--year", "2025", "--out", str(tmp_path / "s.docx"),
                 stdout=StringIO())
    texts = _paragraph_texts((tmp_path / "s.docx").read_bytes())
    assert "全局干部职工3人、党员2人，党支部1个。" in "".join(texts)
    out = StringIO()
    call_command("summary", "--org", "wg", "--year", "2025", "--out", "-", "--format", "txt",
                 "--public", stdout=out)
    text = out.getvalue()
    assert text.startswith("**县文广新旅局2025年创建模范机关工作总结")
    assert "全局干部职工*人、党员*人" in text and "测试" not in text


# --- Word layout ---------------------------------------------------------------------


def _word(world, **kwargs):
    t = template(world, **kwargs)
    return services.generate(t, public=False, today=dt.date(2025, 12, 30))[1]


def test_word_file_in_the_official_layout(world):
    data = _word(world)
    doc = _docx_xml(data)
    sect = doc.find("w:body/w:sectPr", NS)
    margins = sect.find("w:pgMar", NS)
    assert [margins.get(f"{{{W}}}{side}") for side in ("top", "bottom", "left", "right")] == [
        "2098", "1984", "1588", "1474"]
    assert sect.find("w:pgSz", NS).get(f"{{{W}}}w") == "11906"
    paragraphs = doc.findall("w:body/w:p", NS)

    def fonts(p):
        return {(r.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia"),
                 r.find("w:rPr/w:sz", NS).get(f"{{{W}}}val")) for r in p.findall("w:r", NS)}

    texts = _paragraph_texts(data)
    assert fonts(paragraphs[0]) == {("方正小标宋简体", "44")}  # 2号 title
    assert fonts(paragraphs[texts.index("一、加强组织领导")]) == {("黑体", "32")}
    h2 = paragraphs[next(i for i, t in enumerate(texts) if t.startswith("（一）"))]
    assert [r.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia") for r in h2.findall("w:r", NS)][:1] \
        == ["楷体_GB2312"]
    assert ("仿宋_GB2312", "32") in fonts(h2)  # the run-in body text after the heading
    body = paragraphs[texts.index("下一步，测试县文广新旅局将继续努力。")]
    assert fonts(body) == {("仿宋_GB2312", "32")}
    assert texts[-2:] == ["测试县文广新旅局", "2025年12月30日"]
    # Widow control off everywhere (full pages hold their 22 lines).
    assert all(p.find("w:pPr/w:widowControl", NS).get(f"{{{W}}}val") == "0" for p in paragraphs)


def test_word_file_has_no_document_properties_or_template_leftovers(world):
    data = _word(world)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "docProps/app.xml" not in names
    assert not [n for n in names if n.startswith("customXml") or "thumbnail" in n
                or "stylesWithEffects" in n]
    core = zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml").decode()
    for tag in ("dc:creator", "cp:lastModifiedBy", "dc:title"):
        assert re.search(rf"<{tag}\s*/>|<{tag}></{tag}>", core), tag
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert "rsid" not in settings and "docId" not in settings


def test_a_long_title_breaks_after_the_organs_name(world):
    world.organ.name = "测试县文化广电新闻出版旅游局"
    world.organ.save()
    data = _word(world)
    title = _docx_xml(data).find("w:body/w:p", NS)
    runs = title.findall("w:r", NS)
    assert runs[1].find("w:br", NS) is not None
    assert [r.find("w:t", NS).text for r in runs] == ["测试县文化广电新闻出版旅游局",
                                                      "2025年创建模范机关工作总结"]


# --- the public version ----------------------------------------------------------------


def test_public_version_masks_figures_and_places_keeping_lengths(world):
    t = template(world)
    place(world, "城关")
    place(world, "测试")
    plain = services.build(t)
    public = services.masked(plain, services.places_of(world.organ))
    assert public.title_text == "**县文广新旅局2025年创建模范机关工作总结"  # the year stays
    text = services.to_text(public, dt.date(2025, 12, 30))
    assert "全局干部职工*人、党员*人，党支部*个。" in text
    assert "**县**镇的同志参加" in text  # 测试县城关镇 → **县**镇
    assert "（1）建立台账。共***场。" in text  # the heading's numbering stays, 128 is masked
    assert "1.坚持第一议题。" in text
    for plain_p, public_p in zip(plain.paragraphs, public.paragraphs, strict=True):
        assert len(plain_p.head_text + plain_p.tail_text) == len(public_p.head_text
                                                                 + public_p.tail_text)
    body = "".join(p.head_text + p.tail_text for p in public.paragraphs)
    body = body.replace("1.坚持", "").replace("（1）", "")
    assert not re.search(r"\d", body) and "城关" not in body and "测试" not in body


def test_public_word_file_is_rendered_from_masked_text_not_hidden(world):
    t = template(world)
    place(world, "测试")
    _, data = services.generate(t, public=True, today=dt.date(2025, 12, 30))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "测试" not in xml and "w:vanish" not in xml and "**县文广新旅局" in xml
    texts = _paragraph_texts(data)
    assert "全局干部职工*人" in "".join(texts)


def test_a_name_switched_off_stays_in_the_public_version(world):
    t = template(world)
    place(world, "测试", masked=False)
    public = services.masked(services.build(t), services.places_of(world.organ))
    assert public.title_text.startswith("测试县")


def test_generating_either_version_is_audited(world):
    template(world)
    client = world.client("admin")
    assert client.get("/reports/summary/docx/?year=2025").status_code == 200
    assert client.get("/reports/summary/docx/?year=2025&public=1").status_code == 200
    labels = list(AuditLog.objects.filter(action="export").values_list("object_label", flat=True))
    assert any("正式版" in label for label in labels)
    assert any("公开版" in label for label in labels)


def test_download_is_named_for_the_organ_and_year(world):
    template(world)
    response = world.client("admin").get("/reports/summary/docx/?year=2025&public=1")
    assert "2025" in response["Content-Disposition"] and response.content[:2] == b"PK"


# --- editing -------------------------------------------------------------------------


def test_office_saves_a_template_and_the_save_is_audited(world):
    client = world.client("admin")
    response = client.post("/reports/summary/edit/?year=2025", {
        "title": "{{ 机关 }}{{ 年份 }}年工作总结", "body": "全局{{ orgs.staff_count }}人。",
        "signature": "", "signed_on": ""})
    assert response.status_code == 302
    saved = SummaryTemplate.objects.get(org=world.organ, year=2025)
    assert saved.body == "全局{{ orgs.staff_count }}人。" and saved.updated_by.username == "admin"
    assert AuditLog.objects.filter(action="create", object_type="reports.summarytemplate").exists()


def test_unknown_field_is_shown_at_its_line_and_nothing_is_saved(world):
    response = world.client("admin").post("/reports/summary/edit/?year=2025", {
        "title": "总结", "body": "第一段。\n第二段{{ tourism.visiters }}。", "signature": "",
        "signed_on": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "第 2 行" in page and "未知字段“tourism.visiters”" in page
    assert "第二段{{ tourism.visiters }}。" in page  # the office's text is kept
    assert not SummaryTemplate.objects.exists()


def test_the_editor_offers_every_indicator_and_fact_with_labels_and_units(world):
    page = world.client("admin").get("/reports/summary/edit/?year=2025").content.decode()
    assert 'data-insert="{{ tourism.visitors }}"' in page and "接待游客人次" in page
    assert 'data-insert="{{ orgs.mobilized_on }}"' in page and "动员部署会日期" in page
    assert "人次" in page and "|余" in page


def test_start_from_last_years_summary(world):
    template(world, year=2024, body="去年的写法：{{ orgs.staff_count }}人。", signature="测试县文广新旅局党组")
    client = world.client("admin")
    assert client.get("/reports/summary/?year=2025").content.decode().count('id="copy-last"') == 1
    response = client.post("/reports/summary/copy-last/?year=2025")
    assert response.status_code == 302
    new = SummaryTemplate.objects.get(org=world.organ, year=2025)
    assert new.body == "去年的写法：{{ orgs.staff_count }}人。" and new.signature == "测试县文广新旅局党组"
    with pytest.raises(ValueError, match="已存在"):
        services.copy_forward(world.organ, 2025, actor=world.users["admin"])


# --- scope ---------------------------------------------------------------------------


def test_outsiders_see_only_their_own_organs_summary(world):
    template(world)
    client = world.client("outsider")
    page = _plain(client.get(f"/reports/summary/?year=2025&organ={world.organ.pk}").content.decode())
    assert "测试县文广新旅局" not in page and "测试县发改局" in page
    data = client.get(f"/reports/summary/docx/?year=2025&organ={world.organ.pk}")
    assert "文广新旅局".encode() not in data.content


@pytest.mark.parametrize("who", ["head", "member", "auditor", "sysadmin"])
def test_summary_pages_are_404_for_everyone_but_office_and_committee(world, who):
    template(world)
    client = world.client(who)
    for url in ("/reports/summary/", "/reports/summary/edit/", "/reports/summary/docx/",
                "/reports/summary/docx/?public=1"):
        assert client.get(url).status_code == 404, url
    assert client.post("/reports/summary/copy-last/").status_code == 404


def test_committee_reads_any_organs_summary_but_does_not_edit_it(world):
    template(world)
    client = world.client("committee")
    page = client.get(f"/reports/summary/?year=2025&organ={world.organ.pk}").content.decode()
    assert "测试县文广新旅局2025年" in _plain(page) and 'id="edit-summary"' not in page
    assert client.get(f"/reports/summary/edit/?organ={world.organ.pk}").status_code == 403
    assert client.get(f"/reports/summary/docx/?year=2025&organ={world.organ.pk}").status_code == 200


# --- queries -------------------------------------------------------------------------


def _preview_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_preview_query_count_does_not_grow_with_rows(world):
    template(world, body="以{{ study.red_bases }}为阵地；{{ tourism.honour_list }}。"
                         "获荣誉{{ tourism.honours }}项。")
    client = world.client("admin")
    RedBase.objects.create(org=world.unit, name="纪念馆一", kind="memorial")
    honour(world)
    few = _preview_queries(client)
    for i in range(12):
        RedBase.objects.create(org=world.unit, name=f"纪念馆{i + 2}", kind="memorial")
        honour(world, title=f"荣誉{i}")
    assert _preview_queries(client) == few


# --- the names to mask ------------------------------------------------------------------


def test_names_are_seeded_from_what_the_system_knows_without_their_generic_ending(world):
    from mofan.community.models import Community
    from mofan.tourism.models import ScenicArea

    Community.objects.create(org=world.organ, name="东街社区", township="城关镇")
    ScenicArea.objects.create(org=world.organ, name="示例山景区", township="云顶镇")
    RedBase.objects.create(org=world.unit, name="示例中央苏区纪念馆", kind="memorial")
    ScenicArea.objects.create(org=world.other, name="外县景区")
    assert services.seed_places(world.organ) > 0
    names = set(PlaceName.objects.filter(org=world.organ).values_list("name", flat=True))
    assert {"测试", "东街", "城关", "示例山", "云顶", "示例中央苏区"} <= names
    assert "外县" not in names
    assert services.seed_places(world.organ) == 0  # nothing twice


def test_office_seeds_the_list_from_the_page_and_the_other_organ_gets_nothing(world):
    client = world.client("admin")
    assert client.post("/reports/places/seed/").status_code == 302
    assert PlaceName.objects.filter(org=world.organ, name="测试").exists()
    assert not PlaceName.objects.filter(org=world.other).exists()
    assert world.client("committee").post("/reports/places/seed/").status_code == 403


def test_office_adds_a_name_to_its_list(world):
    response = world.client("admin").post("/reports/places/new/", {"name": "幸福小区",
                                                                     "masked": "on"})
    assert response.status_code == 302
    assert PlaceName.objects.get(name="幸福小区").org == world.organ
    assert world.client("head").get("/reports/places/new/").status_code == 403
