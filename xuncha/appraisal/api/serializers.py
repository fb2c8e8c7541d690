"""What the appraisal API shows: an appraisal (never its public key: the questionnaire's address is on its page) and
its tallies. Forms are never listed one by one, only counted."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xuncha.appraisal.models import Appraisal, Rating
from xuncha.appraisal.queries import ItemRow, KindRow, Tallies


class AppraisalSerializer(serializers.ModelSerializer[Appraisal]):
    village: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    opened_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    closed_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "assignment",
            "village",
            "village_name",
            "title",
            "status",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
        ]
        read_only_fields = fields


class KindRowSerializer(serializers.Serializer[KindRow]):
    kind = serializers.CharField()
    respondents = serializers.CharField(source="label")
    phone = serializers.IntegerField()
    paper = serializers.IntegerField()
    total = serializers.IntegerField()


class GradeSerializer(serializers.Serializer[Any]):
    rating = serializers.ChoiceField(choices=Rating.choices)
    count = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="Per cent of the grades given.")


class ItemRowSerializer(serializers.Serializer[ItemRow]):
    item = serializers.CharField(help_text="The standard item or the cadre (name and post).")
    kind = serializers.CharField(source="item.kind")
    key = serializers.CharField(source="item.key")
    answered = serializers.IntegerField()
    grades = serializers.SerializerMethodField(help_text="The four grades in order: 好, 较好, 一般, 差.")
    satisfaction = serializers.DecimalField(max_digits=4, decimal_places=1)

    @extend_schema_field(GradeSerializer(many=True))
    def get_grades(self, row: ItemRow) -> list[dict[str, Any]]:
        return [
            {"rating": rating, "count": count, "share": str(share)}
            for rating, (count, share) in zip(Rating.values, row.cells, strict=True)
        ]


class TalliesSerializer(serializers.Serializer[Tallies]):
    forms = serializers.IntegerField()
    phone = serializers.IntegerField()
    paper = serializers.IntegerField()
    satisfaction = serializers.DecimalField(
        max_digits=4, decimal_places=1, help_text="Good and fairly good among every grade given, in per cent."
    )
    kinds = KindRowSerializer(many=True)
    items = ItemRowSerializer(many=True)
