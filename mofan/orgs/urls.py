from django.urls import path

from . import views
from .screens import (
    CampaignScreens,
    GroupMemberScreens,
    OrgScreens,
    PartyOrgScreens,
    PersonScreens,
    ResponsibilityScreens,
)

app_name = "orgs"
urlpatterns = [
    *OrgScreens.urls("units"),
    *PartyOrgScreens.urls("party"),
    *PersonScreens.urls("people"),
    *CampaignScreens.urls("campaigns"),
    path("campaigns/<int:pk>/plan-file/", views.plan_file, name="campaign_plan_file"),
    path("campaigns/<int:pk>/duties.xlsx", views.responsibility_xlsx, name="responsibility_xlsx"),
    path("campaigns/<int:pk>/next-year/", views.campaign_next_year, name="campaign_next_year"),
    *GroupMemberScreens.urls("campaign-group"),
    *ResponsibilityScreens.urls("campaign-duties"),
]
