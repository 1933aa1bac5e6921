from django.urls import include, path

from mofan.urls import urlpatterns as project_urls

urlpatterns = [*project_urls, path("testledger/", include("mofan.core.tests.testledger.urls"))]
