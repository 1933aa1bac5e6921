from django.shortcuts import render
from django.views.decorators.http import require_GET

from mofan.core.params import year_nav
from mofan.core.views import home_organs, requested_year

from .services import NO_LAST_YEAR, year_tables


@require_GET
def summary(request):
    """The year month by month beside the year before, for the county and each area."""
    year = requested_year(request)
    return render(request, "tourism/summary.html", {
        "title": "旅游数据同比", "year": year, "year_nav": year_nav(request, year),
        "blocks": year_tables(home_organs(request.user), year), "no_last_year": NO_LAST_YEAR})
