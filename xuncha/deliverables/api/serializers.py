"""What the deliverables API shows and accepts: a deliverable with its light, and the small bodies of its moves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xuncha.deliverables.models import Deliverable


class DeliverableSerializer(serializers.ModelSerializer[Deliverable]):
    """A deliverable of a village or a department: its kind, due date, status, light and text."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    light = serializers.CharField(source="light_now", read_only=True, help_text=_("GREEN, YELLOW, RED or DONE"))
    timeliness = serializers.CharField(read_only=True, help_text=_("ON_TIME, LATE, MISSING or PENDING"))

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "round",
            "unit",
            "unit_code",
            "unit_name",
            "feedback",
            "township",
            "kind",
            "starts_on",
            "due_on",
            "status",
            "light",
            "timeliness",
            "text",
            "signature",
            "submitted_on",
            "accepted_on",
            "return_reason",
        ]
        read_only_fields = fields


class DeliverableDraftSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        max_length=50_000,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The text; omitted, it is prefilled from the ledger"),
    )


class DeliverableSubmitSerializer(serializers.Serializer[Any]):
    confirm = serializers.BooleanField(
        default=False, help_text=_("The secretary's account confirms the text (instead of a signed scan)")
    )
    scan = serializers.FileField(required=False, allow_null=True, default=None, help_text=_("The signed scan"))


class DeliverableDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text=_("true approves (accepts), false returns"))
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
