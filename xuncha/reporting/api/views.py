"""/api/v1/reports/: reports scoped like their pages; drafting, saving a version, commenting and recording a gate
are POSTs, each a single call to its action."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import CREATE_ERRORS, READ_ERRORS, ScopedViewSet, errors, list_schema, read_schema, write_schema
from xuncha.reporting import actions
from xuncha.reporting.api import serializers as s
from xuncha.reporting.models import Report


@extend_schema_view(
    list=list_schema(
        s.ReportSerializer,
        "Reports (巡察报告, 专题报告): the group's own and the office's; county leaders only approved ones.",
    ),
    retrieve=read_schema(s.ReportSerializer, "A report with the text of its latest version."),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Report
    related = ("drafted_by",)
    serializer_class = s.ReportSerializer

    def _drafts(self) -> Report:
        """The report, if the user reads its drafts (group and office); 404 otherwise."""
        report = self.get_object()
        if not Report.objects.drafts_visible_to(self.request.user).filter(pk=report.pk).exists():
            raise Http404
        return report

    @write_schema(
        s.DraftSerializer,
        s.ReportSerializer,
        "Draft a report of an assignment (or of the round) from the round's data, as its version 1.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        body = self.body(s.DraftSerializer)
        report = actions.draft_report(body.pop("round"), actor=self.actor, **body)
        return self.respond(s.ReportSerializer, report, status=201)

    @extend_schema(
        description="The versions of a report, newest first, with the office's comments.",
        responses={200: s.VersionSerializer(many=True), **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        report = self._drafts()
        versions = report.versions.select_related("author").prefetch_related("comments__author")
        return Response(s.VersionSerializer(versions, many=True).data)

    @write_schema(s.SaveVersionSerializer, s.VersionSerializer, "Save an edited text as the next version.", status=201)
    @action(detail=True, methods=["post"])
    def save(self, request: Request, pk: str | None = None) -> Response:
        report = self._drafts()
        body = self.body(s.SaveVersionSerializer)
        version = actions.save_report_version(report, actor=self.actor, **body)
        return self.respond(s.VersionSerializer, version, status=201)

    @write_schema(s.CommentBodySerializer, s.CommentSerializer, "The office comments on a version.", status=201)
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        report = self._drafts()
        body = self.body(s.CommentBodySerializer)
        version = report.versions.filter(number=body["version"]).first()
        if version is None:
            raise Http404
        comment = actions.comment_on_version(version, text=body["text"], actor=self.actor)
        return self.respond(s.CommentSerializer, comment, status=201)

    @extend_schema(
        description="The gates the report passed or was returned at, in order.",
        responses={200: s.GateSerializer(many=True), **errors(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def gates(self, request: Request, pk: str | None = None) -> Response:
        report = self._drafts()
        return Response(s.GateSerializer(report.gates.select_related("recorded_by"), many=True).data)

    @write_schema(
        s.GateBodySerializer,
        s.GateSerializer,
        "Record the gate the report waits for (组务会 → 办公室审核 → 领导小组会议 → 书记专题会): PASSED moves it "
        "on, RETURNED sends it back to drafting; a gate out of turn is refused (409).",
        status=201,
    )
    @action(detail=True, methods=["post"])
    def gate(self, request: Request, pk: str | None = None) -> Response:
        report = self._drafts()
        body = self.body(s.GateBodySerializer)
        gate = actions.record_gate(report, body.pop("kind"), actor=self.actor, **body)
        return self.respond(s.GateSerializer, gate, status=201)
