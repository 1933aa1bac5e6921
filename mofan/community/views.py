"""Views beyond the generic screens: 确认 / 退回, 登记为民情诉求, and 我的社区服务 (phone)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mofan.core.screens import visible_or_404

from . import services
from .models import Registration, ServiceParticipant, ServiceRecord


def _record(request, pk):
    return visible_or_404(ServiceRecord.objects.select_related("branch", "org", "community"),
                          request.user, pk)


def _done(request, pk, action, ok_message):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, ok_message)
    return redirect("community:servicerecord_detail", pk=pk)


@require_POST
def record_confirm(request, pk):
    record = _record(request, pk)
    return _done(request, pk, lambda: services.do_confirm(record, actor=request.user),
                 "已确认。")


@require_POST
def record_return(request, pk):
    record = _record(request, pk)
    return _done(request, pk, lambda: services.do_return(record, actor=request.user,
                                                         reason=request.POST.get("reason", "")),
                 "已退回，登记人修改后将重新提交。")


@require_POST
def record_appeal(request, pk):
    record = _record(request, pk)
    return _done(request, pk, lambda: services.do_register_appeal(
        record, actor=request.user, title=request.POST.get("title", ""),
        words=request.POST.get("words", ""), category=request.POST.get("category", "help")),
        "已登记到民情台账。")


@require_GET
def my_service(request):
    """The member's own page on a phone: register status, this year's services, a button
    to log one."""
    person = request.user.person
    ctx = {"title": "我的社区服务", "person": person}
    if person is not None:
        rows = list(ServiceRecord.objects.filter(participants__person=person)
                    .select_related("community", "kind").order_by("-date", "-id")[:50])
        ctx.update(
            registrations=list(Registration.objects.filter(person=person, ended_on__isnull=True)
                               .select_related("community")),
            rows=rows,
            person_times=ServiceParticipant.objects.filter(
                person=person, record__status=ServiceRecord.CONFIRMED).count(),
            to_confirm=list(ServiceRecord.objects.filter(
                branch__secretary=person, status=ServiceRecord.SUBMITTED)
                .exclude(participants__person=person).exclude(logged_by=person)
                .select_related("community", "kind").order_by("date", "id")),
        )
    return render(request, "community/my_service.html", ctx)
