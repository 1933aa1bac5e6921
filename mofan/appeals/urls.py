from .screens import AppealScreens

app_name = "appeals"
urlpatterns = [*AppealScreens.urls("items")]
