"""The field language: filters, sums, lists, and errors reported at their line — without a
database (values are handed in directly)."""

import datetime as dt
from decimal import Decimal

import pytest

from mofan.reports.language import (
    Items,
    Num,
    ParseError,
    chinese_number,
    heading_of,
    parse,
    parse_field,
)


def apply(source, value):
    """The text of ``{{ source }}`` for one term whose value is ``value``."""
    f = parse_field(source, 1)
    for flt, arg in f.filters:
        value = flt.apply(value, arg)
    from mofan.reports.language import display

    return display(value)


def num(value, unit=""):
    return Num(Decimal(str(value)), unit)


@pytest.mark.parametrize(("value", "expected"), [(128, "100余"), (4968, "4000余"), (46, "40余"),
                                                 (1017, "1000余"), (100, "100"), (7, "7")])
def test_yu_rounds_down_to_a_round_number(value, expected):
    assert apply("study.red_education_sessions|余", num(value, "场")) == expected


@pytest.mark.parametrize(("value", "expected"), [(4968, "超4000"), (128, "超100"),
                                                 (4000, "4000")])
def test_chao_rounds_down_to_a_round_number(value, expected):
    assert apply("study.red_education_people|超", num(value, "人次")) == expected


def test_wan_divides_by_ten_thousand_with_one_decimal_by_default():
    assert apply("tourism.visitors|万", num(6625683, "人次")) == "662.6"
    assert apply("tourism.visitors|万:2", num(6625683, "人次")) == "662.57"
    assert apply("enterprise.vouchers_amount|万:0", num("2900000.00", "元")) == "290"


def test_yi_converts_from_the_indicators_unit():
    # tourism.revenue is kept in 万元: 471,278.28 万元 = 47.1 亿元
    assert apply("tourism.revenue|亿", num("471278.28", "万元")) == "47.1"
    assert apply("enterprise.financing_amount|亿", num("200400000.00", "元")) == "2.0"


def test_yi_then_chao_says_more_than_a_round_number():
    assert apply("enterprise.financing_amount|亿|超", num("200400000.00", "元")) == "超2"


def test_percentages_get_their_sign_and_places():
    assert apply("tourism.visitors_yoy|百分比", num(21.5, "%")) == "21.5%"
    assert apply("tourism.visitors_yoy|%", num(21.5, "%")) == "21.5%"
    assert apply("tourism.visitors_yoy|百分比:0", num(21.5, "%")) == "22%"
    assert apply("tourism.visitors_yoy", num(21.5, "%")) == "21.5"


def test_figures_show_as_recorded_without_a_filter():
    assert apply("community.service_hours", num("1538.0", "小时")) == "1538"
    assert apply("enterprise.support_amount.power_subsidy", num("177184.31", "元")) == "177184.31"


def test_chinese_dates():
    day = dt.date(2025, 3, 15)
    assert apply("orgs.mobilized_on|日期", day) == "3月15日"
    assert apply("orgs.mobilized_on|年月日", day) == "2025年3月15日"
    assert apply("orgs.mobilized_on", day) == "2025年3月15日"


@pytest.mark.parametrize(("value", "words"), [(3087, "数千"), (45, "数十"), (128, "数百"),
                                              (25_000, "数万"), (6_625_683, "数百万"), (7, "7")])
def test_order_of_magnitude_in_words(value, words):
    assert apply("culture.training_participants|量级", num(value, "人次")) == words
    assert apply("culture.training_participants|数千", num(value, "人次")) == words


@pytest.mark.parametrize(("n", "text"), [(4, "四"), (10, "十"), (12, "十二"), (20, "二十"),
                                         (21, "二十一"), (105, "一百零五"), (1010, "一千零一十")])
def test_chinese_numerals(n, text):
    assert chinese_number(n) == text


def test_lists_join_count_and_reword():
    honours = Items([{"获得者": "法水村", "荣誉": "全国乡村旅游重点村", "级别": "国家级"},
                     {"获得者": "示例山景区", "荣誉": "省级智慧景区", "级别": "省级"}],
                    "{获得者}获评{荣誉}（{级别}）")
    assert apply("tourism.honour_list", honours) == (
        "法水村获评全国乡村旅游重点村（国家级）、示例山景区获评省级智慧景区（省级）")
    assert apply('tourism.honour_list|连接:"；"', honours).count("；") == 1
    assert apply('tourism.honour_list|格式:"{获得者}"', honours) == "法水村、示例山景区"
    assert apply("tourism.honour_list|个数", honours) == "2"
    assert apply("tourism.honour_list|个数|汉字", honours) == "二"


def test_a_sum_adds_figures_of_one_unit():
    f = parse_field("study.central_group_sessions + study.branch_sessions", 1)
    assert [t.name for t in f.terms] == ["study.central_group_sessions", "study.branch_sessions"]


def test_unknown_field_is_an_error_at_its_line():
    parsed = parse("{{ 年份 }}年总结", "第一段。\n\n全年接待游客{{ tourism.visiters|万 }}万人次。")
    assert [(p.line, "tourism.visiters" in p.message) for p in parsed.problems] == [(3, True)]
    assert str(parsed.problems[0]).startswith("第 3 行")


def test_title_errors_are_reported_as_the_title():
    parsed = parse("{{ 机关名 }}总结", "正文")
    assert str(parsed.problems[0]).startswith("标题")


@pytest.mark.parametrize(("source", "message"), [
    ("tourism.visitors|万亿", "未知过滤器"),
    ("orgs.plan_title|万", "只能用于数字"),
    ("orgs.mobilized_on|余", "只能用于数字"),
    ("study.central_group_sessions + tourism.visitors", "单位不同"),
    ("orgs.plan_title + 年份", "只有数字字段可以相加"),
    ('tourism.honour_list|格式:"{奖金}"', "没有“奖金”"),
    ("tourism.honour_list|格式", "需要参数"),
    ("tourism.visitors|万:x", "0 到 9"),
    ("", "空字段"),
    ("机关.__class__", "不是字段名"),
    ("organ.__class__.__init__", "未知字段"),
    ("__import__('os')", "不是字段名"),
    ('tourism.honour_list|连接:"、', "引号没有配对"),
])
def test_bad_fields_are_refused_with_a_reason(source, message):
    with pytest.raises(ParseError, match=message):
        parse_field(source, 1)


def test_unbalanced_braces_are_reported():
    parsed = parse("总结", "甲{{ 年份 \n乙 }} 丙")
    assert [p.line for p in parsed.problems] == [1, 2]


@pytest.mark.parametrize(("line", "level", "prefix"), [
    ("一、加强组织领导", 1, "一、"), ("十二、其他", 1, "十二、"),
    ("（一）打造学习型机关。正文", 2, "（一）"), ("(二)打造服务型机关。", 2, "(二)"),
    ("1.坚持第一议题。", 3, "1."), ("12．建立制度。", 3, "12．"),
    ("（1）建立台账。", 4, "（1）"),
    ("2025年来，我局……", 0, ""), ("3.5万人次参加", 0, ""), ("一是以全域旅游为抓手", 0, ""),
])
def test_headings_are_recognised_by_their_numbering(line, level, prefix):
    assert heading_of(line) == (level, prefix)


def test_a_run_in_heading_ends_at_its_first_full_stop():
    parsed = parse("总结", "（一）打造“学习型”机关。全年学习{{ study.seminars }}次。")
    line = parsed.lines[0]
    assert (line.level, line.head) == (2, ["（一）打造“学习型”机关。"])
    assert line.tail[0] == "全年学习" and line.tail[-1] == "次。"
