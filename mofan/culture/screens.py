"""List / detail / edit / export / import of cultural events."""

import django_filters

from mofan.core.excel import CellError, Column, Importer
from mofan.core.params import YearFilter
from mofan.core.scoping import HEAD, ORG_ADMIN
from mofan.core.screens import Col, Screens

from .models import Event


class EventFilter(django_filters.FilterSet):
    year = YearFilter("date")
    month = django_filters.NumberFilter("date", lookup_expr="month", label="月份",
                                        min_value=1, max_value=12)
    township = django_filters.CharFilter("township", lookup_expr="icontains", label="乡镇")

    class Meta:
        model = Event
        fields = ["kind", "org"]


TITLE = "活动名称"


class EventImporter(Importer):
    """Events as offices keep them; the projection team's monthly list of screenings
    (one row per village and evening) is the common case, so its columns come first."""

    model = Event
    title = "文化惠民活动"
    columns = [
        Column("类型", "kind", required=True, example="送电影下乡"),
        Column("日期", "date", required=True, example="2025-03-12"),
        Column("乡镇", "township", example="示例镇"),
        Column("村（社区）", "village", example="法水村"),
        Column("剧目/影片/内容", "programme", example="《长津湖》"),
        Column("场次", "shows", example="1"),
        Column("观众/参与人数", "audience", example="120"),
        Column("人数口径", "audience_basis", example="估算"),
        Column("承办单位", "organiser", example="县电影放映队"),
        Column(TITLE, "title", example=""),  # empty: made from kind, place and film
        Column("地点", "venue", example="村文化广场"),
        Column("结束日期", "end_date", example=""),
        Column("备注", "notes", example=""),
    ]

    def prepare(self, obj):
        user = self.user
        if user.role not in (ORG_ADMIN, HEAD) or not user.org_id:
            raise CellError("只有单位管理员或负责人可以导入")
        obj.org = user.org
        if not obj.title and obj.kind:
            obj.title = generated_title(obj)


    def build(self, number, values, positions):
        obj, errors = super().build(number, values, positions)
        if any(e.column for e in errors):
            # The unit (and a title left empty) are filled only for a row whose cells
            # parsed: their "required" is a consequence of the cell errors.
            pos = positions.get(TITLE)
            generated = pos is None or pos >= len(values) or values[pos] in (None, "")
            errors = [e for e in errors if e.column and not (generated and e.column == TITLE)]
        return obj, errors


def generated_title(event):
    place = event.place_label or "（未填地点）"
    title = f"{event.get_kind_display()}·{place}"
    return f"{title}{event.programme}" if event.programme else title


class EventScreens(Screens):
    model = Event
    title = "文化惠民活动"
    columns = ["date", "kind", "title", Col("place_label", "地点"), "organiser", "shows",
               Col("audience_label", "观众/参与人数")]
    export_columns = ["date", "end_date", "kind", "title", "township", "village", "venue",
                      "organiser", "programme", "shows", "audience", "audience_basis", "notes",
                      "org"]
    detail_fields = ["kind", "title", "date", "end_date", "township", "village", "venue",
                     "organiser", "programme", "shows", Col("audience_label", "观众/参与人数"),
                     "notes", "org"]
    search = ["title", "village", "programme", "organiser"]
    sortable = ["date", "shows", "audience"]
    form_fields = ["kind", "title", "date", "end_date", "township", "village", "venue",
                   "organiser", "programme", "shows", "audience", "audience_basis", "notes"]
    select_related = ["org"]
    owned_by_user_org = True
    importer = EventImporter

    @classmethod
    def filterset_class(cls):
        return EventFilter
