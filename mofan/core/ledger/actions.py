"""The shared workflow as steps: each action's form fields and template fragment, beside
the rule (``rules``) and the ``do_*`` function (``engine``). Together with each ledger's
own steps this is the one table that dispatches every action (``Ledger.actions``)."""

import datetime as dt

from django.utils import timezone

from mofan.core.pickers import ORGAN, SearchSelect
from mofan.orgs.models import Org, Person

from . import engine
from .deadlines import due_date
from .registry import WORKFLOW, Step, ledger_of
from .rules import RULES, refuser
from .states import LedgerError


def posted_date(request, name, what):
    value = request.POST.get(name, "")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise LedgerError(f"{what}不是有效日期") from exc


def _posted(request, name, queryset, refusal):
    pk = request.POST.get(name)
    if not pk:
        return None
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, queryset.model.DoesNotExist) as exc:
        raise LedgerError(refusal) from exc


def assign_form(request):
    # The engine checks that both belong to the item's organ.
    return {"owner": _posted(request, "owner", Person.objects.select_related("org"),
                             "请选择责任人"),
            "owner_unit": _posted(request, "owner_unit", Org.objects.all(), "请选择责任单位"),
            "deadline": posted_date(request, "deadline", "办理时限")}


def extension_form(request):
    return {"new_deadline": posted_date(request, "new_deadline", "新时限")}


def approval_form(request):
    return {"approve": request.POST.get("approve") != "0"}


def submit_form(request):
    return {"result": request.POST.get("result", ""), "files": request.FILES.getlist("files")}


def assign_pickers(item, organ, owner=None, owner_unit=None):
    """The 责任人 and 责任单位 pickers: the organ's current people and its units, searched
    as you type (a county organ has a hundred people)."""
    owner_picker = SearchSelect("person", ORGAN, organ=organ, attrs={
        "class": "form-select form-select-sm mb-2", "id": f"owner-{item.pk}", "required": True})
    owner_picker.choices = [("", "请选择")]
    unit_picker = SearchSelect("org", ORGAN, organ=organ, attrs={
        "class": "form-select form-select-sm mb-2", "id": f"unit-{item.pk}"})
    unit_picker.choices = [("", "—")]
    return (owner_picker.render("owner", owner if owner is not None else item.owner_id),
            unit_picker.render("owner_unit",
                               owner_unit if owner_unit is not None else item.owner_unit_id))


def assign_context(item):
    """The organ's people and units to choose from, and the default deadline."""
    organ = item.org.organ_id or item.org_id
    owner_picker, unit_picker = assign_pickers(item, organ)
    return {"owner_picker": owner_picker, "unit_picker": unit_picker,
            "default_deadline": due_date(item, timezone.localdate())}


def _step(key, do, **options):
    return Step(key, RULES[key].label, do, refuser(key), **options)


WORKFLOW.update((s.key, s) for s in [
    _step("assign", engine.do_assign, form=assign_form, template="ledger/steps/assign.html",
          context=assign_context),
    _step("accept", engine.do_accept, quick=True),
    _step("note", engine.do_note, note_label="进展情况"),
    _step("request_extension", engine.do_request_extension, form=extension_form,
          template="ledger/steps/request_extension.html", note_label="延期理由",
          note_arg="reason"),
    _step("approve_extension", engine.do_approve_extension, form=approval_form,
          template="ledger/steps/approve_extension.html"),
    _step("submit", engine.do_submit, form=submit_form, template="ledger/steps/submit.html",
          note_label=None),
    _step("return", engine.do_return, note_label="退回理由", note_arg="reason"),
    _step("close", engine.do_close, quick=True,
          confirm="销号后事项办结，只能由台账管理员“重办”重新打开。确定销号吗？"),
    _step("reopen", engine.do_reopen, note_label="重办理由", note_arg="reason"),
    _step("urge", engine.do_urge),
])


def allowed_steps(item, user) -> list[Step]:
    """The steps ``user`` may take on ``item`` now — the same rule that allows them."""
    return [s for s in ledger_of(item).actions.values() if not s.refusal(item, user)]
