"""Downloads of the official documents (.docx), built from the data on each request within the reader's scope.

Each view is one call to ``documents.queries``, which looks the object up through ``visible_to`` (404 for what
the reader may not see), builds the document and logs the reading.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from xuncha.core.http import AuthenticatedHttpRequest, client_ip
from xuncha.documents import queries


@login_required
def feedback_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return queries.feedback_document(request.user, pk, ip_address=client_ip(request)).response()


@login_required
def notice_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return queries.notice_document(request.user, pk, ip_address=client_ip(request)).response()


@login_required
def round_report_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return queries.round_report_document(request.user, pk, ip_address=client_ip(request)).response()


@login_required
def rectification_report_docx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    document = queries.rectification_document(
        request.user, code, request.GET.get("round"), ip_address=client_ip(request)
    )
    return document.response()


@login_required
def visit_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return queries.visit_document(request.user, pk, ip_address=client_ip(request)).response()


@login_required
def clue_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return queries.clue_document(request.user, pk, ip_address=client_ip(request)).response()
