"""The REST API: /api/v1/… (each app's api/urls.py), the OpenAPI schema and the local Swagger UI."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from xuncha.accounts.api import TokenView
from xuncha.core.api import not_found, swagger_view

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("", include("xuncha.findings.api.urls")),
    path("", include("xuncha.fieldwork.api.urls")),
    path("", include("xuncha.rectification.api.urls")),
    path("", include("xuncha.deliverables.api.urls")),
    path("", include("xuncha.planning.api.urls")),
    path("", include("xuncha.documents.api.urls")),
    path("", include("xuncha.dashboard.api.urls")),
    path("", include("xuncha.appraisal.api.urls")),
    path("", include("xuncha.archive.api")),
    path("", include("xuncha.reporting.api.urls")),
    path("", include("xuncha.outcomes.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", swagger_view, name="api-docs"),
    # Paths ending in a slash that match nothing (e.g. /api/v1/clues/0.5/); without one, APPEND_SLASH redirects first.
    re_path(r"^.*/$", not_found),
]
