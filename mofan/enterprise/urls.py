from django.urls import path

from . import views
from .screens import (
    ChainCommitteeScreens,
    ChainMeetingScreens,
    DemandScreens,
    EnterpriseScreens,
    MeetingScreens,
    SupportRecordScreens,
    VoucherBatchScreens,
)

app_name = "enterprise"
urlpatterns = [
    *DemandScreens.urls("demands"),
    *EnterpriseScreens.urls("companies"),
    *MeetingScreens.urls("meetings"),
    path("meetings/<int:pk>/demands/", views.register_demands, name="meeting_register_demands"),
    *ChainCommitteeScreens.urls("chain"),
    *ChainMeetingScreens.urls("chain-meetings"),
    path("chain-cadence/", views.cadence, name="cadence"),
    *SupportRecordScreens.urls("support"),
    path("support-kinds/", views.support_kinds, name="support_kinds"),
    *VoucherBatchScreens.urls("vouchers"),
]
