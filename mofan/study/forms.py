import datetime as dt

from django import forms

from .models import Attendance
from .services import RollEntry


def parse_roll(post, roll) -> tuple[list[RollEntry], list[str]]:
    """Read the roll page: ``status_<row id>`` is 出席 / 缺席 / 未点名; a 缺席 has its
    ``absence_<row id>`` kind, ``reason_<row id>`` text and maybe ``makeup_<row id>``;
    ``spoke_<row id>`` for who spoke. With ``rest_present`` (the "其余记为出席" button)
    everyone still 未点名 is marked 出席."""
    entries, errors = [], []
    rest_present = bool(post.get("rest_present"))
    for a in roll:
        makeup = None
        raw = post.get(f"makeup_{a.pk}", "").strip()
        if raw:
            try:
                makeup = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{a.person.name}：补学日期“{raw}”无效")
        status = post.get(f"status_{a.pk}", a.status)
        if rest_present and status == Attendance.UNTAKEN:
            status = Attendance.PRESENT
        entries.append(RollEntry(
            person_id=a.person_id,
            status=status,
            absence=post.get(f"absence_{a.pk}", ""),
            reason=post.get(f"reason_{a.pk}", ""),
            makeup_on=makeup,
            spoke=post.get(f"spoke_{a.pk}") == "on",
        ))
    return entries, errors


def show_entries(roll, entries) -> None:
    """Put what was posted back on the (unsaved) rows, so a refused roll is shown as the
    recorder left it rather than as stored."""
    by_person = {e.person_id: e for e in entries}
    for a in roll:
        if e := by_person.get(a.person_id):
            a.status, a.absence, a.reason = e.status, e.absence, e.reason
            a.makeup_on, a.spoke = e.makeup_on, e.spoke


class AgendaForm(forms.Form):
    items = forms.CharField(label="会议议题（每行一项，按会议顺序）",
                            widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    study_position = forms.IntegerField(
        label="学习议题是第几项", min_value=1, required=False,
        help_text="第一议题：学习议题应为第 1 项；其他位置不计入第一议题",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label="照片或文件",
                           widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class CopyLastMonthForm(forms.Form):
    party_org = forms.ModelChoiceField(label="党组织", queryset=None, empty_label="请选择",
                                       widget=forms.Select(attrs={"class": "form-select"}))
    month = forms.DateField(label="要制定计划的月份", input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month", "class": "form-control"},
                                                   format="%Y-%m"))

    def __init__(self, *args, user, **kwargs):
        from mofan.orgs.models import PartyOrg

        from .models import STUDY_PARTY_KINDS

        super().__init__(*args, **kwargs)
        self.fields["party_org"].queryset = PartyOrg.objects.editable_by(user).filter(
            kind__in=STUDY_PARTY_KINDS).order_by("org__path", "-kind", "sort", "id")
