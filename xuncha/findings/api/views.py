"""The findings API. Reads start from ``visible_to(user)`` (``ScopedViewSet``); every write validates its body
with a small serializer and makes one call to an action, whose refusals answer 403, 409 or 400."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import (
    CREATE_ERRORS,
    ScopedViewSet,
    errors,
    list_schema,
    read_schema,
    write_schema,
)
from xuncha.evidence.serializers import EvidenceSerializer, file_schema
from xuncha.evidence.views import evidence_response
from xuncha.findings import actions
from xuncha.findings.api import serializers as s
from xuncha.findings.filters import ClueFilter, PetitionFilter, ProblemFilter, SuggestionFilter
from xuncha.findings.models import Clue, Petition, Problem, Suggestion


@extend_schema_view(
    list=list_schema(
        s.ProblemSerializer,
        "Working papers the user may see: the office's and the group's, and for "
        "townships and villages only those fed back to them.",
    ),
    retrieve=read_schema(s.ProblemDetailSerializer, "A working paper with its immediate-fix notice and evidence."),
)
class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Problem
    related = ("village", "finder", "confirmed_by")
    serializer_class = s.ProblemSerializer
    filterset_class = ProblemFilter

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.select_related("notice__issued_by").prefetch_related("evidence__uploaded_by")
        return queryset

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return s.ProblemDetailSerializer if self.action == "retrieve" else s.ProblemSerializer

    @write_schema(
        s.ProblemCreateSerializer,
        s.ProblemDetailSerializer,
        "Record a draft working paper (group members, while the round is stationed or reporting).",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        data = self.body(s.ProblemCreateSerializer)
        problem = actions.record_problem(data.pop("assignment"), data.pop("village"), actor=self.actor, **data)
        return self.respond(s.ProblemDetailSerializer, problem, status=201)

    @write_schema(
        s.ProblemEditSerializer,
        s.ProblemDetailSerializer,
        "Edit a working paper from the version last read; if someone saved in between, 409 and nothing changes.",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        changes = self.body(s.ProblemEditSerializer)
        expected_version, note = changes.pop("expected_version"), changes.pop("note")
        edited = actions.update_problem(
            problem, changes, expected_version=expected_version, actor=self.actor, note=note
        )
        return self.respond(s.ProblemDetailSerializer, edited)

    @write_schema(s.ConfirmSerializer, s.ProblemSerializer, "The group leader confirms a draft (DRAFT → CONFIRMED).")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        problem, body = self.get_object(), self.body(s.ConfirmSerializer)
        return self.respond(s.ProblemSerializer, actions.confirm_problem(problem, actor=self.actor, **body))

    @write_schema(s.DiscardSerializer, s.ProblemSerializer, "Withdraw a draft that did not hold up, saying why.")
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        problem, body = self.get_object(), self.body(s.DiscardSerializer)
        return self.respond(s.ProblemSerializer, actions.discard_problem(problem, actor=self.actor, **body))

    @write_schema(
        s.NoticeIssueSerializer,
        s.NoticeSerializer,
        "The group leader issues an immediate-fix notice for a problem to fix immediately, due before stationing ends.",
        status=201,
    )
    @action(detail=True, methods=["post"])
    def notice(self, request: Request, pk: str | None = None) -> Response:
        problem, body = self.get_object(), self.body(s.NoticeIssueSerializer)
        return self.respond(s.NoticeSerializer, actions.issue_notice(problem, actor=self.actor, **body), status=201)

    @write_schema(
        s.EvidenceUploadSerializer,
        EvidenceSerializer,
        "Attach a photo, scan or document (multipart); its "
        "type is judged from its content and its size checked (400 when refused).",
        status=201,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        problem, body = self.get_object(), self.body(s.EvidenceUploadSerializer)
        upload = body["file"]
        evidence = actions.attach_evidence(
            problem, upload, upload.name or "", upload.size or 0, actor=self.actor, caption=body["caption"]
        )
        data = EvidenceSerializer(evidence, context={"file_url": s.problem_file_url(problem)}).data
        return Response(data, status=201)

    @file_schema("A file of the problem's evidence, for token clients; the same scope as the problem.")
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_pk>[0-9]+)/file")
    def evidence_file(self, request: Request, evidence_pk: str, pk: str | None = None) -> FileResponse:
        problem = self.get_object()
        return evidence_response(get_object_or_404(problem.evidence, pk=evidence_pk))


@extend_schema_view(
    list=list_schema(s.SuggestionSerializer, "Suggestions heard by the groups the user belongs to or oversees."),
    retrieve=read_schema(s.SuggestionSerializer, "A suggestion and how it was decided."),
)
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Suggestion
    related = ("village", "recorded_by", "decided_by")
    serializer_class = s.SuggestionSerializer
    filterset_class = SuggestionFilter

    @write_schema(
        s.SuggestionCreateSerializer,
        s.SuggestionSerializer,
        "Record a residents' suggestion (group members).",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        data = self.body(s.SuggestionCreateSerializer)
        suggestion = actions.record_suggestion(data.pop("assignment"), data.pop("village"), actor=self.actor, **data)
        return self.respond(s.SuggestionSerializer, suggestion, status=201)

    @write_schema(
        s.DecideSerializer,
        s.SuggestionSerializer,
        "The group leader decides a suggestion; adopting it links "
        "the given problem or writes a new draft paper from it.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        suggestion, body = self.get_object(), self.body(s.DecideSerializer)
        decided = actions.decide_suggestion(suggestion, body.pop("outcome"), actor=self.actor, **body)
        return self.respond(s.SuggestionSerializer, decided)


@extend_schema_view(
    list=list_schema(
        s.PetitionSerializer,
        "Petitions of the user's groups, or of the county for the office; never "
        "the reporter's identity, only whether there is one.",
    ),
    retrieve=read_schema(s.PetitionSerializer, "A petition, without its reporter's identity."),
)
class PetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Petition
    related = ("village", "recorded_by", "disposed_by")
    serializer_class = s.PetitionSerializer
    filterset_class = PetitionFilter

    @write_schema(
        s.PetitionCreateSerializer,
        s.PetitionSerializer,
        "Enter a petition received by letter, phone, visit, "
        "mailbox or e-mail (group members); the reporter's name and phone are stored encrypted.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        data = self.body(s.PetitionCreateSerializer)
        petition = actions.record_petition(data.pop("assignment"), actor=self.actor, **data)
        return self.respond(s.PetitionSerializer, petition, status=201)

    @file_schema("A photo sent with the petition, for token clients; the same scope as the petition.")
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_pk>[0-9]+)/file")
    def evidence_file(self, request: Request, evidence_pk: str, pk: str | None = None) -> FileResponse:
        petition = self.get_object()
        return evidence_response(get_object_or_404(petition.evidence, pk=evidence_pk))

    @write_schema(s.DisposeSerializer, s.PetitionSerializer, "The group leader settles a petition.")
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        petition, body = self.get_object(), self.body(s.DisposeSerializer)
        disposed = actions.dispose_petition(petition, body.pop("disposition"), actor=self.actor, **body)
        return self.respond(s.PetitionSerializer, disposed)

    @extend_schema(
        description="The reporter's name and phone, for the group leader and the office director; each reveal is "
        "written to the access log.",
        request=None,
        responses={200: s.ReporterSerializer, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        petition = self.get_object()
        name, phone = actions.reveal_reporter(petition, actor=self.actor, ip_address=self.ip_address)
        return Response(s.ReporterSerializer({"anonymous": petition.is_anonymous, "name": name, "phone": phone}).data)


@extend_schema_view(
    list=list_schema(
        s.ClueEnvelopeSerializer,
        "Sealed clues the user may see (the office director, the registering "
        "group's leader, the receiving body once transferred), as envelopes without subject or summary. "
        "Anyone else gets an empty list.",
    ),
    retrieve=read_schema(s.ClueSerializer, "Open a sealed clue; every opening is written to the access log."),
)
class ClueViewSet(mixins.ListModelMixin, ScopedViewSet):
    model = Clue
    related = ("village", "registered_by")
    serializer_class = s.ClueEnvelopeSerializer
    filterset_class = ClueFilter

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        clue = actions.read_clue(self.get_object(), actor=self.actor, ip_address=self.ip_address)
        return self.respond(s.ClueSerializer, clue)

    @write_schema(
        s.ClueRegisterSerializer,
        s.ClueEnvelopeSerializer,
        "The group leader registers a sealed clue.",
        status=201,
        codes=CREATE_ERRORS,
    )
    def create(self, request: Request) -> Response:
        data = self.body(s.ClueRegisterSerializer)
        clue = actions.register_clue(data.pop("assignment"), actor=self.actor, **data)
        return self.respond(s.ClueEnvelopeSerializer, clue, status=201)

    @write_schema(
        s.TransferSerializer, s.ClueEnvelopeSerializer, "The office director transfers the clue to its receiver."
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        clue, body = self.get_object(), self.body(s.TransferSerializer)
        return self.respond(s.ClueEnvelopeSerializer, actions.transfer_clue(clue, actor=self.actor, **body))

    @write_schema(
        None, s.ClueEnvelopeSerializer, "The receiving body acknowledges receipt.", codes=(401, 403, 404, 409)
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(s.ClueEnvelopeSerializer, actions.receive_clue(self.get_object(), actor=self.actor))

    @write_schema(
        s.ClueDisposeSerializer, s.ClueEnvelopeSerializer, "The receiving body records how it disposed of it."
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        clue, body = self.get_object(), self.body(s.ClueDisposeSerializer)
        return self.respond(s.ClueEnvelopeSerializer, actions.dispose_clue(clue, body["disposal"], actor=self.actor))

    @write_schema(s.FeedbackSerializer, s.ClueEnvelopeSerializer, "The receiving body reports the result back.")
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        clue, body = self.get_object(), self.body(s.FeedbackSerializer)
        return self.respond(
            s.ClueEnvelopeSerializer, actions.give_clue_feedback(clue, body["feedback"], actor=self.actor)
        )
