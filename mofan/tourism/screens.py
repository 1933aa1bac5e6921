"""List / detail / edit / export / import of scenic areas, monthly figures and honours."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import django_filters

from mofan.core.excel import CellError, Column, Importer, RowError
from mofan.core.params import YEAR_MAX, YEAR_MIN, YearFilter
from mofan.core.scoping import HEAD, ORG_ADMIN
from mofan.core.screens import Col, Screens

from .models import Honour, MonthlyFigure, ScenicArea

CENT = Decimal("0.01")


def parse_month(value):
    """A month as the statistics bureau writes it: 2025-03, 2025年3月, 2025/3, or a date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\d{1,2}日?)?", text)
    if not m or not (YEAR_MIN <= int(m[1]) <= YEAR_MAX and 1 <= int(m[2]) <= 12):
        raise CellError(f"“{text}”不是月份，请写成 2025-03 或 2025年3月")
    return dt.date(int(m[1]), int(m[2]), 1)


def parse_count(value):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise CellError(f"“{value}”不是数字") from exc
    if number != number.to_integral_value() or number < 0:
        raise CellError(f"“{value}”应为不小于 0 的整数（人次）")
    return int(number)


def parse_money(factor):
    def parse(value):
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "")) * factor
        except InvalidOperation as exc:
            raise CellError(f"“{value}”不是金额") from exc
        if number < 0:
            raise CellError("金额不能为负数")
        return number.quantize(CENT)
    return parse


def owner_only(user):
    if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
        raise CellError("只有单位管理员或负责人可以导入")


class FigureFilter(django_filters.FilterSet):
    year = YearFilter("month")
    county = django_filters.BooleanFilter("scenic_area", lookup_expr="isnull", label="只看全县合计")

    class Meta:
        model = MonthlyFigure
        fields = ["scenic_area"]


REVENUE, REVENUE_WAN = "旅游收入（元）", "旅游收入（万元）"


class FigureImporter(Importer):
    """The statistics bureau's monthly sheet: one row per month and area (景区 empty: the
    county total). Revenue in 元 or in 万元 (one of the two columns)."""

    model = MonthlyFigure
    title = "旅游月度数据"
    columns = [
        Column("月份", "month", required=True, example="2025-03", parse=parse_month),
        Column("景区", "scenic_area", example="（空着表示全县合计）"),
        Column("接待游客（人次）", "visitors", required=True, example="356800", parse=parse_count),
        Column(REVENUE, "revenue", example="298765432.10", parse=parse_money(1)),
        Column(REVENUE_WAN, "revenue", example="", parse=parse_money(10000)),
        Column("数据来源", "source", example="县统计局月报"),
        Column("备注", "notes", example=""),
    ]

    def related_queryset(self, model_field):
        return ScenicArea.objects.visible_to(self.user)

    def prepare(self, obj):
        owner_only(self.user)
        obj.org = self.user.org
        obj.derive()

    def build(self, number, values, positions):
        def filled(header):
            pos = positions.get(header)
            return pos is not None and pos < len(values) and values[pos] not in (None, "")

        if filled(REVENUE) and filled(REVENUE_WAN):
            return None, [RowError(number, REVENUE_WAN, "收入只填“元”或“万元”其中一列")]
        obj, errors = super().build(number, values, positions)
        if any(e.column for e in errors):
            # The unit and organ are filled only for a row whose cells parsed: their
            # "required" is a consequence of the cell errors, not a problem of its own.
            errors = [e for e in errors if e.column]
        return obj, errors

    def _read_rows(self, ws, result):
        result = super()._read_rows(ws, result)
        seen = {}
        for obj in result.objects:
            key = (obj.month, obj.scenic_area_id)
            if key in seen:
                result.errors.append(RowError(
                    obj._import_row, "月份",
                    f"与第 {seen[key]} 行重复：{obj.month_label}{obj.area_label}只能有一行"))
            seen.setdefault(key, obj._import_row)
        return result


class OwnedImporter(Importer):
    """Rows that belong to the importer's own unit, like the ones he adds by form."""

    def prepare(self, obj):
        owner_only(self.user)
        obj.org = self.user.org

    def build(self, number, values, positions):
        obj, errors = super().build(number, values, positions)
        if any(e.column for e in errors):
            errors = [e for e in errors if e.column]  # the unit is filled for parsed rows only
        return obj, errors


class ScenicAreaImporter(OwnedImporter):
    model = ScenicArea
    title = "景区"
    columns = [
        Column("景区名称", "name", required=True, example="示例山景区"),
        Column("等级", "grade", example="国家4A级"),
        Column("所在乡镇", "township", example="云顶镇"),
        Column("备注", "notes", example=""),
    ]


class HonourImporter(OwnedImporter):
    model = Honour
    title = "文旅荣誉"
    columns = [
        Column("级别", "level", required=True, example="省级"),
        Column("荣誉名称", "title", required=True, example="“百城百夜”文旅消费季活动"),
        Column("获得者类别", "recipient_kind", required=True, example="本县"),
        Column("获得者", "recipient", required=True, example="示例县"),
        Column("授予单位", "awarding_body", example="省文化和旅游厅"),
        Column("获得日期", "awarded_on", required=True, example="2025-12-15"),
        Column("名次范围", "rank_scope", example="全省"),  # 全省 / 全市; empty: not a placing
        Column("名次", "rank", example="12"),
        Column("备注", "notes", example=""),
    ]


class ScenicAreaScreens(Screens):
    model = ScenicArea
    title = "景区"
    columns = ["name", "grade", "township", "org"]
    search = ["name", "township"]
    filters = ["grade"]
    form_fields = ["name", "grade", "township", "notes"]
    select_related = ["org"]
    owned_by_user_org = True
    importer = ScenicAreaImporter


class MonthlyFigureScreens(Screens):
    model = MonthlyFigure
    title = "旅游月度数据"
    columns = [Col("month_label", "月份", sort="month"), Col("area_label", "范围"), "visitors",
               Col("revenue_wan", "旅游收入（万元）"), "source"]
    export_columns = [Col("month_label", "月份"), Col("area_label", "景区"), "visitors",
                      "revenue", "source", "notes", "org"]
    detail_fields = [Col("month_label", "月份"), Col("area_label", "范围"), "visitors", "revenue",
                     Col("revenue_wan", "旅游收入（万元）"), "source", "notes", "org"]
    sortable = ["month", "visitors", "revenue"]
    form_fields = ["month", "scenic_area", "visitors", "revenue", "source", "notes"]
    select_related = ["org", "scenic_area"]
    owned_by_user_org = True
    importer = FigureImporter
    list_template = "tourism/figure_list.html"

    @classmethod
    def filterset_class(cls):
        return FigureFilter

    @classmethod
    def prepare_new(cls, obj, user):
        super().prepare_new(obj, user)
        obj.derive()  # the duplicate check in clean() needs the organ


class HonourFilter(django_filters.FilterSet):
    year = YearFilter("awarded_on")

    class Meta:
        model = Honour
        fields = ["level", "recipient_kind", "rank_scope"]


class HonourScreens(Screens):
    model = Honour
    title = "文旅荣誉"
    columns = ["awarded_on", "level", "title", "recipient", "awarding_body",
               Col("placing", "名次")]
    export_columns = ["awarded_on", "level", "title", "recipient_kind", "recipient",
                      "awarding_body", Col("placing", "名次"), "notes", "org"]
    detail_fields = ["level", "title", "recipient_kind", "recipient", "awarding_body",
                     "awarded_on", Col("placing", "名次"), "notes", "org"]
    search = ["title", "recipient", "awarding_body"]
    sortable = ["awarded_on"]
    form_fields = ["level", "title", "recipient_kind", "recipient", "awarding_body",
                   "awarded_on", "rank_scope", "rank", "notes"]
    select_related = ["org"]
    owned_by_user_org = True
    importer = HonourImporter

    @classmethod
    def filterset_class(cls):
        return HonourFilter
