"""What the planning API shows and accepts. Read serializers show a record; the small input serializers only
validate a request body, which the view then hands to one action."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xuncha.planning.models import Enquiry, Lead, PlanStage, RecusalDeclaration, WorkPlan


def _person(*, nullable: bool = False) -> serializers.StringRelatedField[Any]:
    """A user shown by name."""
    return serializers.StringRelatedField(allow_null=nullable)


def _village_code() -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)


class StageSerializer(serializers.ModelSerializer[PlanStage]):
    class Meta:
        model = PlanStage
        fields = ["position", "kind", "starts_on", "ends_on", "note"]


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    drafted_by = _person()
    decided_by = _person(nullable=True)
    stages = StageSerializer(many=True, read_only=True)
    focus = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "round",
            "assignment",
            "title",
            "focus",
            "focus_note",
            "authorisation",
            "status",
            "stages",
            "drafted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReturnSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000)


class DeclarationSerializer(serializers.ModelSerializer[RecusalDeclaration]):
    user = _person()
    ties: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RecusalDeclaration
        fields = ["id", "round", "user", "no_ties", "ties", "signed_at"]


class EnquirySerializer(serializers.ModelSerializer[Enquiry]):
    body_label = serializers.CharField(read_only=True)
    village = _village_code()
    sent_by = _person()

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "round",
            "assignment",
            "village",
            "body",
            "body_label",
            "number",
            "matters",
            "sent_on",
            "reply_by",
            "sent_by",
            "status",
            "replied_on",
            "reply_text",
        ]


class LeadSerializer(serializers.ModelSerializer[Lead]):
    village = _village_code()

    class Meta:
        model = Lead
        fields = ["id", "enquiry", "round", "assignment", "village", "text", "status", "note", "created_at"]


class LeadCloseSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[Lead.Status.USED, Lead.Status.DROPPED])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
