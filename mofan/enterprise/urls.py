from .screens import DemandScreens, EnterpriseScreens, MeetingScreens

app_name = "enterprise"
urlpatterns = [
    *DemandScreens.urls("demands"),
    *EnterpriseScreens.urls("companies"),
    *MeetingScreens.urls("meetings"),
]
