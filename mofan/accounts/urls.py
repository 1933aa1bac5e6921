from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/bulk/", views.bulk_create, name="bulk_create"),
    path("users/bulk-role/", views.bulk_role, name="bulk_role"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/role/", views.user_role, name="user_role"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("handover/", views.handover, name="handover"),
]
