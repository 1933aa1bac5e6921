from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("", views.daily, name="daily"),
    path("import/", views.import_view, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("mine/", views.mine, name="mine"),
]
