from .screens import InspectionRoundScreens, ProblemScreens, RuleScreens

app_name = "rectification"
urlpatterns = [
    *ProblemScreens.urls("problems"),
    *InspectionRoundScreens.urls("rounds"),
    *RuleScreens.urls("rules"),
]
