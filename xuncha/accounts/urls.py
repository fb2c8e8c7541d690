from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from xuncha.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("home")
        ),
        name="password-change",
    ),
    path("two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
    path("users/<int:pk>/two-factor/reset/", views.two_factor_reset, name="two-factor-reset"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read, name="notification-read"),
]
