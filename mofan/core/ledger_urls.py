from django.urls import path

from . import ledger_views
from .ledger_views import CalendarOverrideScreens, DeadlineRuleScreens

app_name = "ledger"
urlpatterns = [
    path("todo/", ledger_views.todo, name="todo"),
    path("files/<int:pk>/", ledger_views.evidence, name="evidence"),
    *CalendarOverrideScreens.urls("calendar"),
    *DeadlineRuleScreens.urls("deadlines"),
]
