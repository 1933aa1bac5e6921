from django import forms

from mofan.core.indicators import pillars
from mofan.core.params import YearField

from .models import CriteriaGroup, CriteriaItem


def indicator_choices():
    return [("", "（人工评分无需选择）"), *[
        (label, [(i.key, f"{i.label}（{i.unit}）") for i in inds])
        for _, label, inds in pillars()]]


class SetForm(forms.Form):
    year = YearField(label="年度")
    title = forms.CharField(label="方案名称", max_length=200, required=False)
    default = forms.BooleanField(label="从系统默认方案开始（学习型、服务型、效能型、台账、综合评价）",
                                 required=False, initial=True)


class GroupForm(forms.ModelForm):
    class Meta:
        model = CriteriaGroup
        fields = ["name", "weight", "sort"]


class ItemForm(forms.ModelForm):
    class Meta:
        model = CriteriaItem
        fields = ["group", "name", "method", "indicator", "points", "threshold", "per_unit",
                  "lower_is_better", "sort"]

    def __init__(self, *args, criteria_set=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(label="依据指标", choices=indicator_choices(),
                                                     required=False)
        self.fields["group"].queryset = criteria_set.groups.all()
        for f in self.fields.values():
            css = "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control form-control-sm"
            if isinstance(f.widget, forms.Select):
                css = "form-select form-select-sm"
            f.widget.attrs["class"] = css


class ManualScoreForm(forms.Form):
    organ = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label="得分", max_digits=6, decimal_places=2)
    reason = forms.CharField(label="评分理由", widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)
