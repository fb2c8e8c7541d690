"""The dashboard as the office's monthly statistics report: a .docx and an .xlsx of the figures the reader sees on
the dashboard, with its filters (``?term=&round=&township=``). Built on request and recorded in the access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from xuncha.core.http import AuthenticatedHttpRequest, client_ip
from xuncha.dashboard.lookups import chosen_scope, dashboard_unit, reader_sources
from xuncha.dashboard.permissions import reads_findings
from xuncha.dashboard.queries import dashboard_figures
from xuncha.documents import exports
from xuncha.documents.builders import statistics_report
from xuncha.documents.files import GeneratedFile


def _report(
    request: AuthenticatedHttpRequest, code: str, build: Callable[[dict[str, Any]], GeneratedFile]
) -> HttpResponse:
    unit = dashboard_unit(request.user, code)
    # The report is the office's and the leaders'; townships and villages read their figures on the page.
    if not reads_findings(request.user, unit):
        raise PermissionDenied
    scope, _choices = chosen_scope(request.user, unit, request.GET)
    built = build(dashboard_figures(scope, reader_sources(request.user, unit)))
    exports.log_export(request.user, unit, built, ip_address=client_ip(request))
    return built.response()


@login_required
@require_GET
def dashboard_docx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _report(request, code, statistics_report.docx)


@login_required
@require_GET
def dashboard_xlsx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _report(request, code, statistics_report.xlsx)
