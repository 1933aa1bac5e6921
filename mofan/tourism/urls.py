from django.urls import path

from . import views
from .screens import HonourScreens, MonthlyFigureScreens, ScenicAreaScreens

app_name = "tourism"
urlpatterns = [
    path("", views.summary, name="summary"),
    *MonthlyFigureScreens.urls("figures"),
    *ScenicAreaScreens.urls("areas"),
    *HonourScreens.urls("honours"),
]
