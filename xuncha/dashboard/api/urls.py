"""API paths of the dashboard: /api/v1/dashboard/<code>/"""

from django.urls import URLPattern, path

from xuncha.dashboard.api.views import DashboardView

urlpatterns: list[URLPattern] = [
    path("dashboard/<str:code>/", DashboardView.as_view(), name="dashboard"),
]
