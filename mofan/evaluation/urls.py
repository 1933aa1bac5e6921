from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.set_list, name="set_list"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/publish/", views.set_publish, name="set_publish"),
    path("sets/<int:pk>/revise/", views.set_revise, name="set_revise"),
    path("sets/<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("sets/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/score/", views.manual_score, name="manual_score"),
    path("ranking/", views.ranking, name="ranking"),
    path("organs/<int:pk>/", views.breakdown, name="breakdown"),
    path("mine/", views.mine, name="mine"),
]
