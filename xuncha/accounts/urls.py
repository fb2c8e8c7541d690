from django.contrib.auth import views as auth_views
from django.urls import path

from xuncha.accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two-factor-enrol"),
    path("users/<int:pk>/two-factor/reset/", views.two_factor_reset, name="two-factor-reset"),
    path("password/", views.password_change, name="password-change"),
    path("system/", views.system_admin, name="system"),
    path("system/create/", views.account_create, name="account-create"),
    path("users/<int:pk>/disable/", views.account_disable, name="account-disable"),
    path("users/<int:pk>/enable/", views.account_enable, name="account-enable"),
    path("security/", views.security_admin, name="security"),
    path("security/grant/", views.grant_add, name="grant-add"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("users/<int:pk>/reset/", views.credentials_reset, name="credentials-reset"),
    path("users/<int:pk>/unlock/", views.account_unlock, name="account-unlock"),
    path("auditor/", views.auditor, name="auditor"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read, name="notification-read"),
]
