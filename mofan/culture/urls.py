from .screens import EventScreens

app_name = "culture"
urlpatterns = [
    *EventScreens.urls("events"),
]
