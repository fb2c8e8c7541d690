"""An evidence file's metadata in the API. The file's address belongs to its owner (whose page checks the reader's
scope), so the owner's serializer passes ``file_url`` in the context: a function from a file to its address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from xuncha.core.api import READ_ERRORS, errors
from xuncha.evidence.models import Evidence

FileUrl = Callable[[Evidence], str]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    """An evidence file's metadata; the file itself is served by its owner's page at ``url``."""

    uploaded_by: serializers.StringRelatedField = serializers.StringRelatedField(allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("Where a signed-in browser opens the file"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "url",
            "original_name",
            "content_type",
            "extension",
            "size",
            "sha256",
            "caption",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields

    def get_url(self, evidence: Evidence) -> str:
        file_url: FileUrl = self.context["file_url"]
        return file_url(evidence)


def evidence_data(files: QuerySet[Evidence], file_url: FileUrl) -> Any:
    """The metadata of an owner's files, each with the address the owner serves it at."""
    return EvidenceSerializer(files, many=True, context={"file_url": file_url}).data


def file_schema(description: str) -> Any:
    """The API schema of an owner's action that serves one of its files to token clients."""
    return extend_schema(
        summary="Download an evidence file",
        description=description,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(*READ_ERRORS)},
    )
