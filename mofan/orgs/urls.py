from django.urls import path

from . import views
from .screens import OrgScreens, PartyOrgScreens, PersonScreens

app_name = "orgs"
urlpatterns = [
    *OrgScreens.urls("units"),
    *PartyOrgScreens.urls("party"),
    *PersonScreens.urls("people"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/plan-file/", views.plan_file, name="campaign_plan_file"),
    path("campaigns/<int:pk>/duties.xlsx", views.responsibility_xlsx, name="responsibility_xlsx"),
]
