"""/api/v1/deliverables/: deliverables scoped like their pages; drafting, submitting, the township's review and the
office's decision are POSTs, each a single call to its action."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import ScopedViewSet, list_schema, read_schema, write_schema
from xuncha.deliverables import actions
from xuncha.deliverables.api import serializers as s
from xuncha.deliverables.models import Deliverable


@extend_schema_view(
    list=list_schema(
        s.DeliverableSerializer,
        "Deliverables (整改方案, 整改报告, 主要负责人组织落实情况报告): the county's for the office, a township's "
        "villages', a village's or a department's own.",
    ),
    retrieve=read_schema(s.DeliverableSerializer, "A deliverable with its text, due date and light."),
)
class DeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Deliverable
    related = ("unit",)
    serializer_class = s.DeliverableSerializer

    @write_schema(
        s.DeliverableDraftSerializer, s.DeliverableSerializer, "Write the text, or prefill it from the ledger."
    )
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str | None = None) -> Response:
        deliverable = self.get_object()
        body = self.body(s.DeliverableDraftSerializer)
        return self.respond(
            s.DeliverableSerializer, actions.draft_deliverable(deliverable, actor=self.actor, text=body["text"])
        )

    @write_schema(
        s.DeliverableSubmitSerializer,
        s.DeliverableSerializer,
        "Sign and submit: a signed scan (multipart) or the secretary's account's confirmation.",
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        deliverable = self.get_object()
        body = self.body(s.DeliverableSubmitSerializer)
        scan = body["scan"]
        submitted = actions.submit_deliverable(
            deliverable, actor=self.actor, confirm=body["confirm"], scan=scan, scan_name=scan.name if scan else ""
        )
        return self.respond(s.DeliverableSerializer, submitted)

    @write_schema(
        s.DeliverableDecisionSerializer, s.DeliverableSerializer, "The township approves or returns (with a reason)."
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        deliverable = self.get_object()
        body = self.body(s.DeliverableDecisionSerializer)
        reviewed = actions.review_deliverable(
            deliverable, approve=body["approve"], reason=body["reason"], actor=self.actor
        )
        return self.respond(s.DeliverableSerializer, reviewed)

    @write_schema(
        s.DeliverableDecisionSerializer, s.DeliverableSerializer, "The office accepts or returns (with a reason)."
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        deliverable = self.get_object()
        body = self.body(s.DeliverableDecisionSerializer)
        decided = actions.accept_deliverable(
            deliverable, accept=body["approve"], reason=body["reason"], actor=self.actor
        )
        return self.respond(s.DeliverableSerializer, decided)
