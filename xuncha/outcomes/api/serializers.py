"""What the outcomes API shows and accepts. Items and clues named in a body are looked up among those the
requesting user may see; the names of the people dealt with are shown only to their readers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xuncha.findings.api.serializers import ScopedPrimaryKeyField
from xuncha.findings.models import Clue
from xuncha.outcomes import permissions
from xuncha.outcomes.models import PEOPLE_FIELDS, Outcome, PeopleKind, Rule
from xuncha.rectification.models import LedgerItem


class RuleSerializer(serializers.ModelSerializer[Rule]):
    """A rule made (建章立制) with the outcome; ``file`` is the name of its file, if any."""

    file = serializers.CharField(source="file.original_name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Rule
        fields = ["id", "title", "adopted_on", "file", "recorded_at"]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer[Outcome]):
    """An outcome of an item or of a clue: amounts in yuan, people dealt with by kind, the rules made."""

    people = serializers.SerializerMethodField()
    people_note = serializers.SerializerMethodField()
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "item",
            "clue",
            "round",
            "category",
            "status",
            "amount_involved",
            "amount_recovered",
            "amount_returned",
            "returned_description",
            "people",
            "people_note",
            "note",
            "recorded_at",
            "confirmed_at",
            "rules",
        ]
        read_only_fields = fields

    def get_people(self, outcome: Outcome) -> dict[str, int]:
        return outcome.people

    def get_people_note(self, outcome: Outcome) -> str | None:
        """The names, for the office and the discipline commission; ``null`` for everyone else."""
        user = self.context["request"].user
        return outcome.people_note if permissions.can_read_people_note(user, outcome) else None


def _amount() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), default=Decimal(0))


class PeopleSerializer(serializers.Serializer[Any]):
    """People dealt with, by kind: 诫勉谈话, 通报批评, 党纪处分, 政务处分, 组织处理, 移送司法."""

    ADMONISHED = serializers.IntegerField(min_value=0, default=0, help_text=PeopleKind.ADMONISHED.label)
    CRITICISED = serializers.IntegerField(min_value=0, default=0, help_text=PeopleKind.CRITICISED.label)
    PARTY_DISCIPLINE = serializers.IntegerField(min_value=0, default=0, help_text=PeopleKind.PARTY_DISCIPLINE.label)
    GOVERNMENT_SANCTION = serializers.IntegerField(
        min_value=0, default=0, help_text=PeopleKind.GOVERNMENT_SANCTION.label
    )
    ORGANISATIONAL = serializers.IntegerField(min_value=0, default=0, help_text=PeopleKind.ORGANISATIONAL.label)
    JUDICIAL = serializers.IntegerField(min_value=0, default=0, help_text=PeopleKind.JUDICIAL.label)


class VillageReportSerializer(serializers.Serializer[Any]):
    """What the village reports of its item, for the office to confirm."""

    item = ScopedPrimaryKeyField(queryset=LedgerItem.objects.all())
    amount_recovered = _amount()
    amount_returned = _amount()
    returned_description = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresSerializer(serializers.Serializer[Any]):
    """The whole outcome, as the office records it on an item or the receiving body on a clue."""

    amount_involved = _amount()
    amount_recovered = _amount()
    amount_returned = _amount()
    returned_description = serializers.CharField(required=False, allow_blank=True, default="")
    people = PeopleSerializer(required=False)
    people_note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Names and posts; read only by their readers")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["people"] = {kind: (attrs.get("people") or {}).get(kind, 0) for kind in PEOPLE_FIELDS}
        return attrs


class ItemFiguresSerializer(FiguresSerializer):
    item = ScopedPrimaryKeyField(queryset=LedgerItem.objects.all())


class ClueFiguresSerializer(FiguresSerializer):
    clue = ScopedPrimaryKeyField(queryset=Clue.objects.all())


class RuleBodySerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    adopted_on = serializers.DateField()
