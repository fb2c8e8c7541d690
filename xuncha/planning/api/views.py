"""The planning API. Reads start from ``visible_to(user)`` (``ScopedViewSet``); every transition validates its body
with a small serializer and makes one call to an action, whose refusals answer 403, 409 or 400."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from xuncha.core.api import ScopedViewSet, list_schema, read_schema, write_schema
from xuncha.planning import actions
from xuncha.planning.api import serializers as s
from xuncha.planning.models import Enquiry, Lead, RecusalDeclaration, WorkPlan


@extend_schema_view(
    list=list_schema(
        s.WorkPlanSerializer,
        "Work plans the user may read: the office's and the director's; county leaders and the groups (their own "
        "assignments') once approved.",
    ),
    retrieve=read_schema(s.WorkPlanSerializer, "A work plan with its schedule."),
)
class WorkPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = WorkPlan
    related = ("drafted_by", "decided_by")
    serializer_class = s.WorkPlanSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("round__term__county").prefetch_related("stages")

    @write_schema(None, s.WorkPlanSerializer, "The office submits a draft to the director.")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(s.WorkPlanSerializer, actions.submit_work_plan(self.get_object(), actor=self.actor))

    @write_schema(s.DecisionSerializer, s.WorkPlanSerializer, "The director (not the drafter) approves the plan.")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        plan, body = self.get_object(), self.body(s.DecisionSerializer)
        return self.respond(s.WorkPlanSerializer, actions.approve_work_plan(plan, actor=self.actor, **body))

    @write_schema(s.ReturnSerializer, s.WorkPlanSerializer, "The director returns the plan for revision.")
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        plan, body = self.get_object(), self.body(s.ReturnSerializer)
        return self.respond(s.WorkPlanSerializer, actions.return_work_plan(plan, actor=self.actor, **body))


@extend_schema_view(
    list=list_schema(s.DeclarationSerializer, "Recusal declarations: the office's counties', and one's own."),
    retrieve=read_schema(s.DeclarationSerializer, "A recusal declaration."),
)
class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = RecusalDeclaration
    related = ("user",)
    serializer_class = s.DeclarationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().prefetch_related("ties")


@extend_schema_view(
    list=list_schema(s.EnquirySerializer, "Enquiry letters and their replies (the office and its director only)."),
    retrieve=read_schema(s.EnquirySerializer, "An enquiry letter and its reply."),
)
class EnquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Enquiry
    related = ("village", "sent_by")
    serializer_class = s.EnquirySerializer


@extend_schema_view(
    list=list_schema(s.LeadSerializer, "Leads from the replies: the office's, and those given to one's group."),
    retrieve=read_schema(s.LeadSerializer, "A lead."),
)
class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Lead
    related = ("village", "assignment", "round__term__county")
    serializer_class = s.LeadSerializer

    @write_schema(s.LeadCloseSerializer, s.LeadSerializer, "The group says it followed the lead up or dropped it.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        lead, body = self.get_object(), self.body(s.LeadCloseSerializer)
        return self.respond(s.LeadSerializer, actions.close_lead(lead, body.pop("status"), actor=self.actor, **body))
