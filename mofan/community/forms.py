from django import forms
from django.utils import timezone

from mofan.core.scoping import MEMBER
from mofan.orgs.models import Person

from .models import Community, ServiceRecord
from .services import actor_organ, kinds_for


def party_members_of(organ):
    return (Person.objects.filter(org__organ=organ, political_status__in=Person.PARTY_STATUSES,
                                  left_on__isnull=True)
            .select_related("org").order_by("org__path", "sort", "id"))


class TickList(forms.CheckboxSelectMultiple):
    """Colleagues as a list of Bootstrap ticks, one per line (a phone's thumb)."""

    template_name = "community/widgets/ticks.html"
    option_template_name = "community/widgets/tick.html"


class ServiceRecordForm(forms.ModelForm):
    """The record form, sized for a phone: a member ticks colleagues of his branch who
    served with him; an administrator picks any party member of the organ."""

    members = forms.ModelMultipleChoiceField(label="参加党员", queryset=Person.objects.none(),
                                             help_text="每人每条记录计 1 人次")

    class Meta:
        model = ServiceRecord
        fields = ["community", "date", "kind", "hours", "content", "photo"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organ = actor_organ(user)
        self.fields["community"].queryset = Community.objects.filter(org=organ)
        self.fields["kind"].queryset = kinds_for(user)
        people = party_members_of(organ) if organ else Person.objects.none()
        if user.role == MEMBER:
            branch = user.person.branch_id if user.person_id else None
            people = people.filter(branch_id=branch) if branch else people.filter(
                pk=user.person_id)
            self.fields["members"].widget = TickList()
        self.fields["members"].queryset = people
        if self.instance.pk:
            self.initial["members"] = list(
                self.instance.participants.values_list("person_id", flat=True))
        else:
            self.initial["date"] = self.initial.get("date") or timezone.localdate()
            if user.person_id:
                self.initial["members"] = [user.person_id]
