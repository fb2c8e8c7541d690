"""The fieldwork API: read-only lists and details, scoped by ``visible_to`` (the group and the office director;
the office reads none of it). A talk's detail is its content: each read is logged."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import ScopedViewSet, list_schema, read_schema
from xuncha.fieldwork import actions
from xuncha.fieldwork.api import serializers as s
from xuncha.fieldwork.models import DocumentReview, FieldVisit, Hearing, TalkRecord


@extend_schema_view(
    list=list_schema(s.TalkEnvelopeSerializer, "Talk records of the user's groups (the director: the county's)."),
    retrieve=read_schema(s.TalkSerializer, "A talk with its content; every read is written to the access log."),
)
class TalkViewSet(mixins.ListModelMixin, ScopedViewSet):
    model = TalkRecord
    related = ("village",)
    serializer_class = s.TalkEnvelopeSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("problems", "interviewers").order_by("pk")

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        talk = actions.read_talk(self.get_object(), actor=self.actor, ip_address=self.ip_address)
        return self.respond(s.TalkSerializer, talk)


@extend_schema_view(
    list=list_schema(s.DocumentReviewSerializer, "Document reviews (调阅清单) of the user's groups."),
    retrieve=read_schema(s.DocumentReviewSerializer, "A document review with its lines."),
)
class DocumentReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = DocumentReview
    related = ("village",)
    serializer_class = s.DocumentReviewSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("items", "problems").order_by("pk")


@extend_schema_view(
    list=list_schema(s.FieldVisitSerializer, "Field visits of the user's groups."),
    retrieve=read_schema(s.FieldVisitSerializer, "A field visit."),
)
class FieldVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = FieldVisit
    related = ("village",)
    serializer_class = s.FieldVisitSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("problems").order_by("pk")


@extend_schema_view(
    list=list_schema(s.HearingSerializer, "Mobilisation meetings and hearings of the user's groups."),
    retrieve=read_schema(s.HearingSerializer, "A meeting record."),
)
class HearingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Hearing
    related = ("unit",)
    serializer_class = s.HearingSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().order_by("pk")
