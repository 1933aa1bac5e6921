from django.urls import include, path

from mofan.core.views import healthz

handler500 = "mofan.core.middleware.server_error"  # 503 when the database is unreachable

urlpatterns = [
    path("", include("mofan.core.urls")),
    path("accounts/", include("mofan.accounts.urls")),
    path("audit/", include("mofan.audit.urls")),
    path("orgs/", include("mofan.orgs.urls")),
    path("ledger/", include("mofan.core.ledger.views")),
    path("calendar/", include("mofan.core.calendar.views")),
    path("tasks/", include("mofan.tasks.urls")),
    path("appeals/", include("mofan.appeals.urls")),
    path("community/", include("mofan.community.urls")),
    path("enterprise/", include("mofan.enterprise.urls")),
    path("rectification/", include("mofan.rectification.urls")),
    path("study/", include("mofan.study.urls")),
    path("culture/", include("mofan.culture.urls")),
    path("tourism/", include("mofan.tourism.urls")),
    path("attendance/", include("mofan.attendance.urls")),
    path("reports/", include("mofan.reports.urls")),
    path("dashboards/", include("mofan.dashboards.urls")),
    path("evaluation/", include("mofan.evaluation.urls")),
    path("healthz", healthz, name="healthz"),
]
