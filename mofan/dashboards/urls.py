from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.organ, name="organ"),
    path("county/", views.committee, name="committee"),
    path("compare/", views.comparison, name="comparison"),
]
