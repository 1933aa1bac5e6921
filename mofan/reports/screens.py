"""The organ's list of names to mask in public documents (脱敏地名)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from mofan.audit.services import record
from mofan.core.screens import Col, Screens
from mofan.core.views import organ_choice

from . import services
from .models import PlaceName, SummaryTemplate


class PlaceNameScreens(Screens):
    model = PlaceName
    title = "脱敏地名"
    columns = ["name", Col("masked_label", "公开版中", sort="masked"), "source", "org"]
    search = ["name", "source"]
    sortable = ["name", "masked"]
    form_fields = ["name", "masked"]
    detail_fields = ["name", Col("masked_label", "公开版中"), "source", "org"]
    select_related = ["org"]
    owned_by_user_org = True
    create_refusal = "脱敏地名由本机关的单位管理员维护"
    list_template = "reports/placename_list.html"

    @classmethod
    def may_create(cls, user) -> bool:
        return bool(user.org_id) and SummaryTemplate.may_write(user, user.org)


@require_POST
def seed(request):
    """补充系统已知的名称: add the names the system knows that are not on the list yet."""
    organ, _ = organ_choice(request)
    if not SummaryTemplate.may_write(request.user, organ):
        raise PermissionDenied("脱敏地名由本机关的单位管理员维护")
    added = services.seed_places(organ)
    record("create", organ, label=f"补充脱敏地名 {added} 个", after={"added": added})
    messages.success(request, f"已补充 {added} 个系统中已有的名称。" if added
                     else "系统中已知的名称都已在名单中。")
    return redirect("reports:placename_list")
