from django.urls import include, path

from mofan.core.views import healthz

urlpatterns = [
    path("", include("mofan.core.urls")),
    path("accounts/", include("mofan.accounts.urls")),
    path("audit/", include("mofan.audit.urls")),
    path("orgs/", include("mofan.orgs.urls")),
    path("study/", include("mofan.study.urls")),
    path("healthz", healthz, name="healthz"),
]
