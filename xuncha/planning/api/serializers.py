"""What the planning API shows and accepts. Read serializers show a record; the small input serializers only
validate a request body, which the view then hands to one action."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from xuncha.planning.models import Enquiry, Lead, PlanStage, RecusalDeclaration, WorkPlan


class StageSerializer(serializers.ModelSerializer[PlanStage]):
    class Meta:
        model = PlanStage
        fields = ["position", "kind", "starts_on", "ends_on", "note"]


class WorkPlanSerializer(serializers.ModelSerializer[WorkPlan]):
    drafted_by = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField(allow_null=True)
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
    user = serializers.StringRelatedField()
    ties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RecusalDeclaration
        fields = ["id", "round", "user", "no_ties", "ties", "signed_at"]


class EnquirySerializer(serializers.ModelSerializer[Enquiry]):
    body_label = serializers.CharField(read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sent_by = serializers.StringRelatedField()

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
    village = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Lead
        fields = ["id", "enquiry", "round", "assignment", "village", "text", "status", "note", "created_at"]


class LeadCloseSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[Lead.Status.USED, Lead.Status.DROPPED])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
