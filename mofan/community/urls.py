from django.urls import path

from . import views
from .screens import (
    CommunityScreens,
    MeasureScreens,
    ProjectScreens,
    RegistrationScreens,
    ServiceKindScreens,
    ServiceRecordScreens,
)

app_name = "community"
urlpatterns = [
    path("my/", views.my_service, name="my_service"),
    *ServiceRecordScreens.urls("services"),
    path("services/<int:pk>/confirm/", views.record_confirm, name="record_confirm"),
    path("services/<int:pk>/return/", views.record_return, name="record_return"),
    path("services/<int:pk>/appeal/", views.record_appeal, name="record_appeal"),
    *RegistrationScreens.urls("registrations"),
    *ProjectScreens.urls("projects"),
    *MeasureScreens.urls("measures"),
    *CommunityScreens.urls("communities"),
    *ServiceKindScreens.urls("kinds"),
]
