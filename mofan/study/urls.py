from django.urls import path

from . import views
from .screens import (
    MeetingScreens,
    RedBaseScreens,
    RedServiceScreens,
    StudyPlanScreens,
    StudySessionScreens,
)

app_name = "study"
urlpatterns = [
    path("", views.compliance, name="compliance"),
    path("county/", views.county_compliance, name="county_compliance"),
    path("ledger.docx", views.ledger_docx, name="ledger_docx"),
    path("my/", views.my_study, name="my_study"),
    path("plans/copy-last/", views.plan_copy_last, name="plan_copy_last"),
    *StudyPlanScreens.urls("plans"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/file/", views.plan_file, name="plan_file"),
    *StudySessionScreens.urls("sessions"),
    path("sessions/<int:pk>/roll/", views.roll, name="roll"),
    path("sessions/<int:pk>/roll/build/", views.roll_build, name="roll_build"),
    path("sessions/<int:pk>/files/", views.file_upload, name="file_upload"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("files/<int:pk>/delete/", views.file_delete, name="file_delete"),
    *MeetingScreens.urls("meetings"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/first-topic/", views.meeting_first_topic,
         name="meeting_first_topic"),
    *RedBaseScreens.urls("bases"),
    *RedServiceScreens.urls("services"),
]
