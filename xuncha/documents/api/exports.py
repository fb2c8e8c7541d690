"""API downloads of the spreadsheets (/api/v1/documents/…): the same workbooks, scope, 404s and access log as the
pages, for token clients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema

from xuncha.core.api import READ_ERRORS, errors
from xuncha.documents import exports
from xuncha.documents.api.base import DownloadView
from xuncha.documents.files import XLSX
from xuncha.documents.queries import chosen_round, chosen_village, visible_round, visible_unit

if TYPE_CHECKING:
    from django.db.models import Model
    from rest_framework.request import Request

    from xuncha.documents.files import GeneratedFile

DOWNLOAD: dict[Any, Any] = {(200, XLSX): OpenApiTypes.BINARY, **errors(*READ_ERRORS)}


class ExportView(DownloadView):
    def sent(self, obj: Model, exported: GeneratedFile) -> HttpResponse:
        exports.log_export(self.user, obj, exported, ip_address=self.ip_address)
        return exported.response()


class LedgerExportView(ExportView):
    @extend_schema(
        operation_id="documents_ledger_xlsx",
        summary="Download the rectification ledger (.xlsx)",
        description="整改台账 of a county, township or village (by its NBS code): every ledger item of the unit's "
        "subtree that the user may see, one row each, in the columns 序号, 编号, 村（社区）, 问题, 整改措施, "
        "责任领导, 责任单位, 完成时限, 整改进展, 完成情况, 佐证材料, 是否销号, 销号日期. The export is recorded in "
        "the access log.",
        parameters=[OpenApiParameter("round", OpenApiTypes.INT, description="Only the items of this round.")],
        responses=DOWNLOAD,
        tags=["documents"],
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        user = self.user
        unit = visible_unit(user, code)
        round_ = chosen_round(user, request.query_params.get("round"))
        return self.sent(unit, exports.ledger(user, unit, round_))


class ProblemsExportView(ExportView):
    @extend_schema(
        operation_id="documents_problems_xlsx",
        summary="Download a round's problem list (.xlsx)",
        description="问题清单 of a round: its confirmed and fed-back problems that the user may see (a township or "
        "village only those fed back to it). The export is recorded in the access log.",
        parameters=[
            OpenApiParameter("village", OpenApiTypes.STR, description="Only the problems of this village (NBS code).")
        ],
        responses=DOWNLOAD,
        tags=["documents"],
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        user = self.user
        round_ = visible_round(user, pk)
        village = chosen_village(user, request.query_params.get("village"))
        return self.sent(round_, exports.problems(user, round_, village))


class StatisticsExportView(ExportView):
    @extend_schema(
        operation_id="documents_statistics_xlsx",
        summary="Download the statistics workbook (.xlsx)",
        description="The statistics of a unit's subtree as the user may see it: rectification by round, township "
        "and village, problems by category, coverage of the current term, and the counts of sealed clues for "
        "those who may know of them. The export is recorded in the access log.",
        responses=DOWNLOAD,
        tags=["documents"],
    )
    def get(self, request: Request, code: str) -> HttpResponse:
        user = self.user
        unit = visible_unit(user, code)
        return self.sent(unit, exports.statistics(user, unit))


urlpatterns: list[URLPattern] = [
    path("units/<str:code>/ledger.xlsx", LedgerExportView.as_view(), name="export-ledger"),
    path("rounds/<int:pk>/problems.xlsx", ProblemsExportView.as_view(), name="export-problems"),
    path("units/<str:code>/statistics.xlsx", StatisticsExportView.as_view(), name="export-statistics"),
]
