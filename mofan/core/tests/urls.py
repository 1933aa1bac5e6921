from django.urls import include, path

from mofan.urls import handler500  # noqa: F401 (the project's error handler)
from mofan.urls import urlpatterns as project_urls

urlpatterns = [*project_urls, path("testledger/", include("mofan.core.tests.testledger.urls"))]
