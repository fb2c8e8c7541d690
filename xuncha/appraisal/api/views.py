"""The appraisal API: appraisals the user may see (the group's and, for the office, the county's) and their tallies.
Reads start from ``visible_to(user)`` (``ScopedViewSet``); anything else answers 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.appraisal.api import serializers as s
from xuncha.appraisal.filters import AppraisalFilter
from xuncha.appraisal.models import Appraisal
from xuncha.appraisal.queries import tallies
from xuncha.core.api import ScopedViewSet, list_schema, read_schema


@extend_schema_view(
    list=list_schema(
        s.AppraisalSerializer,
        "Democratic appraisals of the user's groups, or of the county for the inspection office; nobody else sees any.",
    ),
    retrieve=read_schema(s.AppraisalSerializer, "A democratic appraisal."),
    tallies=read_schema(
        s.TalliesSerializer, "The appraisal's tallies: forms by respondent and channel, each item's grades."
    ),
)
class AppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Appraisal
    related = ("village", "opened_by", "closed_by")
    serializer_class = s.AppraisalSerializer
    filterset_class = AppraisalFilter

    @action(detail=True, methods=["get"])
    def tallies(self, request: Request, pk: str | None = None) -> Response:
        return Response(s.TalliesSerializer(tallies(self.get_object())).data)
