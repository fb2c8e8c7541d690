"""What the reporting API shows and accepts: reports with their gates and versions, and the small bodies of the
transitions. Objects named in a body are looked up among those the requesting user may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xuncha.findings.api.serializers import ScopedPrimaryKeyField
from xuncha.inspections.models import Assignment, Round
from xuncha.reporting.models import Gate, Report, ReportComment, ReportVersion


class GateSerializer(serializers.ModelSerializer[Gate]):
    """A gate the report passed or was returned at, with its minutes and decision."""

    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Gate
        fields = ["id", "kind", "held_on", "decision", "minutes", "decisions", "version", "meeting", "recorded_by"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer[ReportComment]):
    author: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = ReportComment
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer[ReportVersion]):
    """One saved text of a report, with the office's comments on it."""

    author: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    comments = CommentSerializer(many=True, read_only=True)

    class Meta:
        model = ReportVersion
        fields = ["id", "number", "text", "note", "author", "created_at", "comments"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer[Report]):
    """A report and where it stands in its gates; the text is that of the latest version."""

    drafted_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Report
        fields = [
            "id",
            "round",
            "assignment",
            "kind",
            "title",
            "status",
            "version",
            "text",
            "clue_count",
            "drafted_by",
            "created_at",
            "approved_on",
        ]
        read_only_fields = fields


class DraftSerializer(serializers.Serializer[Any]):
    round = ScopedPrimaryKeyField(queryset=Round.objects.all())
    assignment = ScopedPrimaryKeyField(queryset=Assignment.objects.all(), required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=Report.Kind.choices, default=Report.Kind.INSPECTION)
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The topic of a special report; written from the data if omitted"),
    )


class SaveVersionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=100_000, trim_whitespace=False)
    expected_version = serializers.IntegerField(min_value=1, help_text=_("The version the edit started from"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CommentBodySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=_("The number of the version commented on"))
    text = serializers.CharField(max_length=5000)


class GateBodySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Gate.Kind.choices)
    decision = serializers.ChoiceField(choices=Gate.Decision.choices)
    held_on = serializers.DateField()
    minutes = serializers.CharField(max_length=20_000)
    decisions = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
