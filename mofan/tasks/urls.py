from .screens import TaskScreens

app_name = "tasks"
urlpatterns = [*TaskScreens.urls("items")]
