"""The dashboard's figures for scripts and other systems: /api/v1/dashboard/<code>/, the same figures, scope and
refusals as the page (404 outside the reader's units, 403 for a unit whose dashboard they may not read)."""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xuncha.accounts.models import User
from xuncha.core.api import errors
from xuncha.dashboard.lookups import chosen_scope, dashboard_unit, reader_sources
from xuncha.dashboard.queries import dashboard_figures


class DashboardView(APIView):
    @extend_schema(
        operation_id="dashboard_figures",
        summary="Every figure of a unit's dashboard",
        description="The dashboard of a province, city, county, township or village (by its NBS code), as the "
        "signed-in user reads it: villages and coverage this term, problems by category, source, rectification "
        "type, round and area, suggestions (office and leaders only), the count of transferred clues (only for "
        "those who may count clues; null otherwise), rectification (completion rate, on time, overdue, by area "
        "and round), return visits and satisfaction, the residents' survey and the published results. A city or "
        "a province adds up the current term of each of its counties, by county.",
        parameters=[
            OpenApiParameter("term", OpenApiTypes.INT, description="A term of the county (default: the current)."),
            OpenApiParameter("round", OpenApiTypes.INT, description="Only this round of the term."),
            OpenApiParameter("township", OpenApiTypes.STR, description="Only this township (NBS code)."),
        ],
        responses={200: OpenApiTypes.OBJECT, **errors(401, 403, 404)},
        tags=["dashboard"],
    )
    def get(self, request: Request, code: str) -> Response:
        user = cast("User", request.user)
        unit = dashboard_unit(user, code)
        scope, _choices = chosen_scope(user, unit, request.query_params)
        return Response(dashboard_figures(scope, reader_sources(user, unit)))
