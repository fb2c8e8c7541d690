"""/api/v1/outcomes/: outcomes scoped like their pages (an item's for the item's readers but county departments,
a clue's for the clue's readers alone). Recording, reporting, confirming and adding a rule are POSTs, each a single
call to its action."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import CREATE_ERRORS, ScopedViewSet, list_schema, read_schema, write_schema
from xuncha.outcomes import actions
from xuncha.outcomes.api import serializers as s
from xuncha.outcomes.models import Outcome


@extend_schema_view(
    list=list_schema(s.OutcomeSerializer, "Outcomes (成果运用) of the items and clues the user may see."),
    retrieve=read_schema(s.OutcomeSerializer, "An outcome with its rules made."),
)
class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Outcome
    related = ("round__term__county",)
    serializer_class = s.OutcomeSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().prefetch_related("rules__file").order_by("pk")

    @write_schema(
        s.ItemFiguresSerializer, s.OutcomeSerializer, "The office records an item's outcome.", codes=CREATE_ERRORS
    )
    @action(detail=False, methods=["post"], url_path="item")
    def record_item(self, request: Request) -> Response:
        body = self.body(s.ItemFiguresSerializer)
        return self.respond(
            s.OutcomeSerializer, actions.record_item_outcome(body.pop("item"), actor=self.actor, **body)
        )

    @write_schema(
        s.VillageReportSerializer,
        s.OutcomeSerializer,
        "The responsible village reports the money recovered on its item, for the office to confirm.",
        codes=CREATE_ERRORS,
    )
    @action(detail=False, methods=["post"], url_path="report")
    def report_item(self, request: Request) -> Response:
        body = self.body(s.VillageReportSerializer)
        return self.respond(
            s.OutcomeSerializer, actions.report_item_outcome(body.pop("item"), actor=self.actor, **body)
        )

    @write_schema(
        s.ClueFiguresSerializer,
        s.OutcomeSerializer,
        "The receiving body reports a disposed clue's outcome.",
        codes=CREATE_ERRORS,
    )
    @action(detail=False, methods=["post"], url_path="clue")
    def record_clue(self, request: Request) -> Response:
        body = self.body(s.ClueFiguresSerializer)
        return self.respond(
            s.OutcomeSerializer, actions.record_clue_outcome(body.pop("clue"), actor=self.actor, **body)
        )

    @write_schema(None, s.OutcomeSerializer, "The office confirms what the village reported.")
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(s.OutcomeSerializer, actions.confirm_item_outcome(self.get_object(), actor=self.actor))

    @write_schema(s.RuleBodySerializer, s.RuleSerializer, "Record a rule made with the outcome.", status=201)
    @action(detail=True, methods=["post"])
    def rules(self, request: Request, pk: str | None = None) -> Response:
        body = self.body(s.RuleBodySerializer)
        rule = actions.add_rule(self.get_object(), actor=self.actor, **body)
        return self.respond(s.RuleSerializer, rule, status=201)
