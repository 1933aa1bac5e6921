from django.shortcuts import render
from django.views.decorators.http import require_GET

from mofan.core.views import home_organs, requested_year

from .models import ScenicArea
from .services import NO_LAST_YEAR, year_table


@require_GET
def summary(request):
    """The year month by month beside the year before, for the county and each area."""
    year = requested_year(request)
    organs = home_organs(request.user)
    blocks = []
    for organ in organs:
        months, totals = year_table(organ, year)
        areas = []
        for area in ScenicArea.objects.filter(org__organ=organ).order_by("name"):
            area_months, area_totals = year_table(organ, year, area)
            if area_totals["visitors"] is not None or any(r.visitors_last for r in area_months):
                areas.append((area, area_totals))
        blocks.append({"organ": organ, "months": months, "totals": totals, "areas": areas})
    return render(request, "tourism/summary.html", {
        "title": "旅游数据同比", "year": year, "blocks": blocks, "no_last_year": NO_LAST_YEAR})
