"""URL map; see DESIGN.md for the paths each app owns."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from xuncha.core import views as core_views

# Error pages in the app's frame and the user's language (JSON under /api/).
handler400 = "xuncha.core.errors.bad_request"
handler403 = "xuncha.core.errors.permission_denied"
handler404 = "xuncha.core.errors.page_not_found"
handler500 = "xuncha.core.errors.server_error"

admin.site.site_header = _("Village inspection work platform")
admin.site.site_title = _("Village inspection work platform")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("xuncha.accounts.urls")),
    path("units/", include("xuncha.organisations.urls")),
    path("units/", include("xuncha.public.office_urls")),
    path("", include("xuncha.inspections.urls")),
    path("audit/", include("xuncha.audit.urls")),
    path("", include("xuncha.findings.urls")),
    path("", include("xuncha.fieldwork.urls")),
    path("", include("xuncha.rectification.urls")),
    path("deliverables/", include("xuncha.deliverables.urls")),
    path("planning/", include("xuncha.planning.urls")),
    path("", include("xuncha.documents.urls")),
    path("", include("xuncha.archive.urls")),
    path("", include("xuncha.reporting.urls")),
    path("", include("xuncha.outcomes.urls")),
    path("dashboard/", include("xuncha.dashboard.urls")),
    path("p/", include("xuncha.public.urls")),
    path("", include("xuncha.appraisal.urls")),
    path("api/", include("xuncha.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # One's own password is changed on the platform's page, through the action that audits it.
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password-change")),
    path("admin/", admin.site.urls),
]
