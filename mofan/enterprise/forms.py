"""Forms that are not a model's generic form: the demands raised at a meeting, and the
county's list of support kinds."""

from django import forms

from mofan.core.screens import bootstrapify

from .models import Demand, Enterprise, SupportKind
from .services import Raised

BLANK_ROWS = 5


class RaisedForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label="企业", required=False)
    demand_type = forms.ChoiceField(label="诉求类型", required=False,
                                    choices=[("", "请选择"), *Demand.TYPE_CHOICES])
    title = forms.CharField(label="诉求标题", required=False, max_length=200,
                            help_text="不填则取诉求内容的第一句")
    content = forms.CharField(label="诉求内容", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = meeting.enterprises.all() if meeting else \
            Enterprise.objects.none()
        bootstrapify(self.fields, small=True)

    def is_blank(self):
        data = self.cleaned_data
        return not (data.get("enterprise") or data.get("demand_type") or data.get("title")
                    or (data.get("content") or "").strip())

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        for name, message in (("enterprise", "请选择企业"), ("demand_type", "请选择诉求类型"),
                              ("content", "请填写诉求内容")):
            value = data.get(name)
            if value is None or str(value).strip() == "":
                self.add_error(name, message)
        return data

    def raised(self):
        d = self.cleaned_data
        return Raised(d["enterprise"], d["demand_type"], d["content"], d.get("title", ""))


RaisedFormSet = forms.formset_factory(RaisedForm, extra=BLANK_ROWS, max_num=50,
                                      absolute_max=50, validate_max=True)


def raised_formset(meeting, data=None):
    return RaisedFormSet(data, prefix="raised", form_kwargs={"meeting": meeting})


def raised_items(formset):
    """The filled rows of a valid formset, in order."""
    return [f.raised() for f in formset.forms if f.cleaned_data and not f.is_blank()]


class SupportKindForm(forms.ModelForm):
    class Meta:
        model = SupportKind
        fields = ["name", "code", "financing", "sort"]
        help_texts = {"code": "小写字母、数字或下划线，如 equipment_loan；新增后不再修改"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
        else:  # a blank row left blank is no change
            self.fields["sort"].required, self.fields["sort"].initial = False, None
        bootstrapify(self.fields, small=True)

    def clean_sort(self):
        sort = self.cleaned_data.get("sort")
        return 0 if sort is None else sort


SupportKindFormSet = forms.modelformset_factory(SupportKind, form=SupportKindForm, extra=2,
                                                can_delete=False)
