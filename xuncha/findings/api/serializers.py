"""What the findings API shows and accepts. Read serializers show a record; the small input serializers only
validate a request body, which the view then hands to one action.

A petition's reporter never appears here, neither in clear nor as a token: only ``anonymous`` says whether there
is one, and ``reveal`` (logged) opens it. A clue's list row is its envelope: the subject and summary are shown only
when the clue is opened, which is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xuncha.evidence.models import Evidence
from xuncha.evidence.serializers import EvidenceSerializer, evidence_data
from xuncha.findings.models import (
    Category,
    Clue,
    FixType,
    ImmediateFixNotice,
    Petition,
    Problem,
    Suggestion,
)
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An object named by id among those the requesting user may see (others are "does not exist")."""

    def get_queryset(self) -> QuerySet[Any]:
        queryset: Any = super().get_queryset()
        return queryset.visible_to(self.context["request"].user)


class VillageCodeField(serializers.SlugRelatedField):
    """A village or community named by its 12-digit code, among the units the requesting user may see."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=AdminUnit.objects.villages(), **kwargs)

    def get_queryset(self) -> QuerySet[AdminUnit]:
        return AdminUnit.objects.visible_to(self.context["request"].user).villages()


def _village_name(*, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source="village.name", read_only=True, allow_null=nullable)


def _village_code(*, nullable: bool = False) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=nullable)


def _person(*, nullable: bool = False) -> serializers.StringRelatedField:
    """A user shown by name."""
    return serializers.StringRelatedField(allow_null=nullable)


def _blank_choice(choices: list[tuple[str, Any]]) -> serializers.ChoiceField:
    """A choice that stays empty until made (read-only fields of a model serializer lose ``allow_blank``)."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


# Problems ---------------------------------------------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer[ImmediateFixNotice]):
    issued_by = _person()

    class Meta:
        model = ImmediateFixNotice
        fields = [
            "id",
            "number",
            "requirement",
            "issued_on",
            "deadline",
            "issued_by",
            "status",
            "completed_on",
            "completion_note",
        ]
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    village = _village_code()
    village_name = _village_name()
    finder = _person()
    confirmed_by = _person(nullable=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "serial",
            "status",
            "round",
            "group",
            "assignment",
            "village",
            "village_name",
            "category",
            "phenomenon",
            "basis",
            "responsibility",
            "source",
            "fix_type",
            "finder",
            "found_on",
            "confirmed_by",
            "confirmed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProblemDetailSerializer(ProblemSerializer):
    """A working paper with its immediate-fix notice and evidence files."""

    notice = NoticeSerializer(read_only=True, allow_null=True)
    evidence = serializers.SerializerMethodField()

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "notice", "evidence"]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, problem: Problem) -> Any:
        return evidence_data(problem.evidence.all(), problem_file_url(problem))


def problem_file_url(problem: Problem) -> Callable[[Evidence], str]:
    """Where a problem serves its evidence files."""
    return lambda evidence: reverse("findings:problem-file", args=[problem.pk, evidence.pk])


class ProblemCreateSerializer(serializers.Serializer[Any]):
    assignment = ScopedPrimaryKeyField(queryset=Assignment.objects.all())
    village = VillageCodeField()
    category = serializers.ChoiceField(choices=Category.choices)
    phenomenon = serializers.CharField(help_text=_("Time, place, people, figures"))
    source = serializers.ChoiceField(choices=Problem.Source.choices)  # type: ignore[assignment]
    fix_type = serializers.ChoiceField(choices=FixType.choices)
    basis = serializers.CharField(required=False, allow_blank=True, default="")
    responsibility = serializers.CharField(required=False, allow_blank=True, default="")
    found_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProblemEditSerializer(serializers.Serializer[Any]):
    """The fields to change and the version the editor started from; a stale version is refused (409)."""

    expected_version = serializers.IntegerField(
        min_value=1, help_text=_("The version the edit starts from, as last read.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Why it was changed"))
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    phenomenon = serializers.CharField(required=False)
    basis = serializers.CharField(required=False, allow_blank=True)
    responsibility = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Problem.Source.choices, required=False)  # type: ignore[assignment]
    fix_type = serializers.ChoiceField(choices=FixType.choices, required=False)
    found_on = serializers.DateField(required=False)


class ConfirmSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DiscardSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text=_("Why the paper does not hold up"))


class NoticeIssueSerializer(serializers.Serializer[Any]):
    requirement = serializers.CharField(help_text=_("What must be done"))
    deadline = serializers.DateField(help_text=_("At the latest the last day of stationing"))
    issued_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Today if omitted"))


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("A photo, PDF or Office document; its type is judged from its content"))
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# Suggestions ------------------------------------------------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer[Suggestion]):
    village = _village_code()
    village_name = _village_name()
    recorded_by = _person()
    outcome = _blank_choice(Suggestion.Outcome.choices)
    decided_by = _person(nullable=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "assignment",
            "village",
            "village_name",
            "topic",
            "text",
            "proposer",
            "received_on",
            "recorded_by",
            "outcome",
            "outcome_note",
            "problem",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class SuggestionCreateSerializer(serializers.Serializer[Any]):
    assignment = ScopedPrimaryKeyField(queryset=Assignment.objects.all())
    village = VillageCodeField()
    topic = serializers.ChoiceField(choices=Suggestion.Topic.choices)
    text = serializers.CharField()
    proposer = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)


class DecideSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=Suggestion.Outcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when not adopted: why")
    )
    problem = ScopedPrimaryKeyField(
        queryset=Problem.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When adopted: the problem it links; omitted, a new draft paper is written from it"),
    )


# Petitions --------------------------------------------------------------------------------------------------------


class PetitionSerializer(serializers.ModelSerializer[Petition]):
    village = _village_code(nullable=True)
    village_name = _village_name(nullable=True)
    anonymous = serializers.BooleanField(source="is_anonymous", read_only=True)
    recorded_by = _person(nullable=True)
    disposition = _blank_choice(Petition.Disposition.choices)
    disposed_by = _person(nullable=True)

    class Meta:
        model = Petition
        # Never the reporter's name or phone, nor their tokens.
        fields = [
            "id",
            "assignment",
            "village",
            "village_name",
            "channel",
            "category",
            "text",
            "anonymous",
            "receipt_code",
            "received_at",
            "recorded_by",
            "status",
            "disposition",
            "disposition_note",
            "problem",
            "duplicate_of",
            "disposed_by",
            "disposed_at",
        ]
        read_only_fields = fields


# Petitions from the online form arrive by themselves; the group enters those of the other channels.
RECORDED_CHANNELS = [choice for choice in Petition.Channel.choices if choice[0] != Petition.Channel.PUBLIC_FORM]


class PetitionCreateSerializer(serializers.Serializer[Any]):
    assignment = ScopedPrimaryKeyField(queryset=Assignment.objects.all())
    village = VillageCodeField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=RECORDED_CHANNELS)
    category = serializers.ChoiceField(choices=Category.choices)
    text = serializers.CharField()
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        write_only=True,
        help_text=_("The reporter's name; stored encrypted, never shown again except through reveal"),
    )
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=30,
        write_only=True,
        help_text=_("The reporter's phone; stored encrypted, never shown again except through reveal"),
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DisposeSerializer(serializers.Serializer[Any]):
    disposition = serializers.ChoiceField(choices=Petition.Disposition.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when forwarded or explained")
    )
    problem = ScopedPrimaryKeyField(
        queryset=Problem.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For PROBLEM: the problem of this assignment it led to"),
    )
    duplicate_of = ScopedPrimaryKeyField(
        queryset=Petition.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For DUPLICATE: the earlier petition of this assignment"),
    )


class ReporterSerializer(serializers.Serializer[Any]):
    """Who sent a petition, as opened by ``reveal`` (each opening is logged)."""

    anonymous = serializers.BooleanField()
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


# Clues ------------------------------------------------------------------------------------------------------------


class ClueEnvelopeSerializer(serializers.ModelSerializer[Clue]):
    """A sealed clue as lists show it: where it stands, not whom it concerns."""

    village = _village_code(nullable=True)
    village_name = _village_name(nullable=True)
    registered_by = _person()
    disposal = _blank_choice(Clue.Disposal.choices)

    class Meta:
        model = Clue
        fields = [
            "id",
            "reference",
            "round",
            "group",
            "assignment",
            "village",
            "village_name",
            "source",
            "receiver",
            "status",
            "registered_by",
            "registered_at",
            "transfer_number",
            "transferred_at",
            "received_at",
            "disposal",
            "disposed_at",
            "feedback_at",
        ]
        read_only_fields = fields


class ClueSerializer(ClueEnvelopeSerializer):
    """A clue opened (the opening is logged): with the person concerned, the summary and the feedback."""

    class Meta(ClueEnvelopeSerializer.Meta):
        fields = [*ClueEnvelopeSerializer.Meta.fields, "problem", "petition", "subject", "summary", "feedback"]
        read_only_fields = fields


class ClueRegisterSerializer(serializers.Serializer[Any]):
    assignment = ScopedPrimaryKeyField(queryset=Assignment.objects.all())
    source = serializers.ChoiceField(choices=Clue.Source.choices)  # type: ignore[assignment]
    subject = serializers.CharField(max_length=200, help_text=_("Name and post of the person concerned"))
    summary = serializers.CharField()
    receiver = serializers.ChoiceField(choices=Clue.Receiver.choices)
    problem = ScopedPrimaryKeyField(
        queryset=Problem.objects.all(), required=False, allow_null=True, default=None, help_text=_("For PROBLEM")
    )
    petition = ScopedPrimaryKeyField(
        queryset=Petition.objects.all(), required=False, allow_null=True, default=None, help_text=_("For PETITION")
    )
    village = VillageCodeField(required=False, allow_null=True, default=None)
    feedback_wording = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For PROBLEM: the paper's new wording, fit for feedback (the facts stay on the clue)"),
    )


class TransferSerializer(serializers.Serializer[Any]):
    transfer_number = serializers.CharField(max_length=60, help_text=_("Number of the transfer document"))


class ClueDisposeSerializer(serializers.Serializer[Any]):
    disposal = serializers.ChoiceField(choices=Clue.Disposal.choices)


class FeedbackSerializer(serializers.Serializer[Any]):
    feedback = serializers.CharField()
