from django.urls import path

from . import pickers, views
from .imports import views as import_views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:key>/", views.section, name="section"),
    path("pick/<slug:kind>/", pickers.pick, name="pick"),
    path("indicators/<str:key>/<int:organ_id>/", views.indicator_records,
         name="indicator_records"),
    path("imports/<int:pk>/", import_views.job_page, name="import_job"),
]
