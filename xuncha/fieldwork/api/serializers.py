"""Serializers of the group's records. A talk's list row is an envelope; its content comes only with the detail,
whose every read is logged."""

from __future__ import annotations

from rest_framework import serializers

from xuncha.accounts.models import User
from xuncha.fieldwork.models import DocumentItem, DocumentReview, FieldVisit, Hearing, TalkRecord
from xuncha.findings.models import Problem


def _problem_ids() -> serializers.PrimaryKeyRelatedField[Problem]:
    """The ids of the working papers made from a record."""
    return serializers.PrimaryKeyRelatedField(many=True, read_only=True)


class TalkEnvelopeSerializer(serializers.ModelSerializer[TalkRecord]):
    village = serializers.CharField(source="village.code", read_only=True)
    problems: serializers.PrimaryKeyRelatedField[Problem] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = TalkRecord
        fields = ["id", "assignment", "village", "talk_role", "talked_on", "place", "status", "signed_at", "problems"]


class TalkSerializer(TalkEnvelopeSerializer):
    interviewers: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="username"
    )

    class Meta(TalkEnvelopeSerializer.Meta):
        fields = [*TalkEnvelopeSerializer.Meta.fields, "person_name", "person_post", "interviewers", "transcript"]


class DocumentItemSerializer(serializers.ModelSerializer[DocumentItem]):
    class Meta:
        model = DocumentItem
        fields = ["id", "name", "period", "holder", "returned_on"]


class DocumentReviewSerializer(serializers.ModelSerializer[DocumentReview]):
    village = serializers.CharField(source="village.code", read_only=True)
    items = DocumentItemSerializer(many=True, read_only=True)
    problems: serializers.PrimaryKeyRelatedField[Problem] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = DocumentReview
        fields = ["id", "assignment", "village", "requested_on", "returned_on", "status", "items", "problems"]


class FieldVisitSerializer(serializers.ModelSerializer[FieldVisit]):
    village = serializers.CharField(source="village.code", read_only=True)
    problems: serializers.PrimaryKeyRelatedField[Problem] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = FieldVisit
        fields = ["id", "assignment", "village", "visited_on", "place", "households", "notes", "problems"]


class HearingSerializer(serializers.ModelSerializer[Hearing]):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Hearing
        fields = ["id", "assignment", "unit", "kind", "held_on", "attendees", "minutes"]
