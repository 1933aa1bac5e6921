from django.urls import path

from . import screens, views

app_name = "reports"
urlpatterns = [
    path("summary/", views.summary, name="summary"),
    path("summary/edit/", views.summary_edit, name="summary_edit"),
    path("summary/copy-last/", views.summary_copy, name="summary_copy"),
    path("summary/docx/", views.summary_docx, name="summary_docx"),
    *screens.PlaceNameScreens.urls("places"),
    path("places/seed/", screens.seed, name="placename_seed"),
]
