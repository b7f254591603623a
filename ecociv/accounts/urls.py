from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from ecociv.accounts import admin_views, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        extra_context={"failure_limit": settings.AXES_FAILURE_LIMIT,
                       "lockout_minutes": int(settings.AXES_COOLOFF_TIME * 60),
                       "session_minutes": settings.SESSION_COOKIE_AGE // 60,
                       "password_days": settings.PASSWORD_MAX_AGE_DAYS}), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("me/", views.me, name="me"),
    path("users/", admin_views.users, name="users"),
    path("users/<int:pk>/", admin_views.user_detail, name="user_detail"),
]
