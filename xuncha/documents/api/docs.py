"""API downloads of the official documents (.docx): /api/v1/documents/…

The same documents, scope and access log as the pages (``documents.queries``), for a token or a session. What
the user may not see answers 404, whether it exists or not.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request

from xuncha.core.api import READ_ERRORS, errors
from xuncha.documents import queries
from xuncha.documents.api.base import DownloadView
from xuncha.documents.files import DOCX


def _document(operation_id: str, description: str, **extra: Any) -> Any:
    return extend_schema(
        operation_id=operation_id,
        description=description,
        responses={(200, DOCX): OpenApiTypes.BINARY, **errors(*READ_ERRORS)},
        tags=["documents"],
        **extra,
    )


class FeedbackDocument(DownloadView):
    @_document(
        "documents_feedback_docx",
        "巡察反馈意见: a village's feedback with its individual list, the common items that name it, the "
        "requirements and the deadlines. For the office, leaders, the group, and the township and village it was "
        "fed back to.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return queries.feedback_document(self.user, pk, ip_address=self.ip_address).response()


class NoticeDocument(DownloadView):
    @_document("documents_notice_docx", "立行立改通知书: an immediate-fix notice, for whoever may see its problem.")
    def get(self, request: Request, pk: int) -> HttpResponse:
        return queries.notice_document(self.user, pk, ip_address=self.ip_address).response()


class RoundReportDocument(DownloadView):
    @_document(
        "documents_round_report_docx",
        "村级专项综合报告: a round's comprehensive report. Its figures count only what the user may see; sealed "
        "clues appear as one count, and only to those who may know of clues.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return queries.round_report_document(self.user, pk, ip_address=self.ip_address).response()


class RectificationDocument(DownloadView):
    @_document(
        "documents_rectification_docx",
        "整改情况报告: the rectification of a village or a township (by its NBS code), in figures and item by item, "
        "over the ledger items the user may see.",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="NBS code of the unit"),
            OpenApiParameter("round", OpenApiTypes.INT, description="Only the items of this round"),
        ],
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        round_id = request.query_params.get("round")
        return queries.rectification_document(self.user, code, round_id, ip_address=self.ip_address).response()


class VisitDocument(DownloadView):
    @_document(
        "documents_visit_docx",
        "回访报告: a return visit with the items checked, their verdicts and the residents' satisfaction.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return queries.visit_document(self.user, pk, ip_address=self.ip_address).response()


class ClueDocument(DownloadView):
    @_document(
        "documents_clue_docx",
        "问题线索移交表: a sealed clue's transfer form, only for those who may read the clue; each download is "
        "logged as a clue read.",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        return queries.clue_document(self.user, pk, ip_address=self.ip_address).response()


urlpatterns: list[URLPattern] = [
    path("feedback/<int:pk>.docx", FeedbackDocument.as_view(), name="document-feedback"),
    path("notices/<int:pk>.docx", NoticeDocument.as_view(), name="document-notice"),
    path("rounds/<int:pk>/report.docx", RoundReportDocument.as_view(), name="document-round-report"),
    path("units/<str:code>/rectification.docx", RectificationDocument.as_view(), name="document-rectification"),
    path("visits/<int:pk>.docx", VisitDocument.as_view(), name="document-visit"),
    path("clues/<int:pk>.docx", ClueDocument.as_view(), name="document-clue"),
]
