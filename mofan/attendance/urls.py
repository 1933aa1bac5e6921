from django.urls import path

from . import views
from .screens import (
    AbsenceScreens,
    ColumnMappingScreens,
    PolicyScreens,
    ScheduleScreens,
    SpotCheckScreens,
)

app_name = "attendance"

urlpatterns = [
    path("", views.daily, name="daily"),
    path("import/", views.import_view, name="import"),
    path("import/<int:pk>/", views.import_status, name="import_status"),
    path("week/", views.week, name="week"),
    path("bulletins/<int:pk>/docx/", views.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>/xlsx/", views.bulletin_xlsx, name="bulletin_xlsx"),
    path("month/", views.month, name="month"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("explanations/", views.explanations, name="explanations"),
    path("explanations/<int:pk>/decide/", views.explanation_decide, name="explanation_decide"),
    path("mine/", views.mine, name="mine"),
    path("mine/explain/", views.explain, name="explain"),
    *SpotCheckScreens.urls("spot-checks"),
    *ScheduleScreens.urls("schedules"),
    *PolicyScreens.urls("policies"),
    *AbsenceScreens.urls("absences"),
    *ColumnMappingScreens.urls("mappings"),
]
