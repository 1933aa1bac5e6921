from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:key>/", views.section, name="section"),
    path("indicators/<str:key>/<int:organ_id>/", views.indicator_records,
         name="indicator_records"),
]
