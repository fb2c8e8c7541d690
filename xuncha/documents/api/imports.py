"""API of the spreadsheet imports: upload a sheet (multipart) and follow its run.

``POST /api/v1/documents/imports/<kind>/`` starts an import exactly as the upload page does: a small sheet is run at
once and the answer (201) holds its outcome, a large one is queued (status QUEUED) and followed with
``GET /api/v1/documents/imports/<id>/``. A file refused as a whole (not an .xlsx, password-protected, too large, a zip
bomb) answers 400 with the reason, and nothing is kept. A user sees only their own imports.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xuncha.accounts.models import User
from xuncha.core.api import READ_ERRORS, errors
from xuncha.documents.actions import start_import
from xuncha.documents.imports.kinds import IMPORTERS, KIND_BY_SLUG
from xuncha.documents.imports.reader import ImportRefused
from xuncha.documents.models import ImportRun, JobStatus
from xuncha.inspections.models import Assignment
from xuncha.organisations.models import AdminUnit


class RowErrorSerializer(serializers.Serializer[Any]):
    """One bad row of a rejected import (``row`` is empty for a fault of the whole file)."""

    row = serializers.IntegerField(allow_null=True, help_text="The row's number in the sheet, as Excel shows it.")
    column = serializers.CharField(help_text="The column's header in the sheet.")
    value = serializers.CharField(allow_blank=True, help_text="What the cell holds.")
    reason = serializers.CharField(help_text="Why the row is refused, in the uploader's language.")


@extend_schema_field({"type": "string", "enum": list(JobStatus.values)})
class JobStatusField(serializers.CharField):
    """An import's status, documented inline: the enum named ``status`` belongs to other models."""


@extend_schema_field({"type": "string", "enum": list(ImportRun.Kind.values)})
class ImportKindField(serializers.CharField):
    """What an import holds, documented inline like its status."""


class ImportRunSerializer(serializers.ModelSerializer[ImportRun]):
    kind = ImportKindField(read_only=True)
    status = JobStatusField(read_only=True)
    unit: serializers.SlugRelatedField[AdminUnit] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The county or township, by code."
    )
    percent = serializers.IntegerField(read_only=True, help_text="Rows checked so far, in per cent.")
    # The metaclass takes declared fields off the class, so this does not hide ``Serializer.errors``.
    errors = RowErrorSerializer(  # type: ignore[assignment]
        many=True, read_only=True, help_text="Every bad row, when the import was rejected."
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "sha256",
            "size",
            "unit",
            "assignment",
            "uploaded_at",
            "finished_at",
            "total_rows",
            "done_rows",
            "percent",
            "created",
            "updated",
            "unchanged",
            "errors",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True, help_text="The .xlsx workbook.")
    unit = serializers.CharField(
        required=False, help_text="Code of the county (classification) or township (ledger) the sheet is for."
    )
    assignment = serializers.IntegerField(required=False, help_text="The assignment the problems are for (problems).")


class RefusedSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="Why the file was refused.")
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]  # see ImportRunSerializer


KIND_PARAMETER = OpenApiParameter(
    "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(KIND_BY_SLUG), description="What the sheet holds."
)


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="documents_imports_create",
        description=__doc__,
        parameters=[KIND_PARAMETER],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportRunSerializer,
            400: OpenApiResponse(RefusedSerializer, description="The file is refused as a whole; nothing was kept."),
            **errors(401, 403, 404, 409),
        },
        tags=["documents"],
    )
    def post(self, request: Request, kind: str) -> Response:
        if kind not in KIND_BY_SLUG:
            return Response({"detail": _("Unknown kind of import.")}, status=404)
        importer = IMPORTERS[KIND_BY_SLUG[kind]]
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = cast("User", request.user)
        if data.get(importer.target_field) in (None, ""):
            raise serializers.ValidationError({importer.target_field: [_("This field is required.")]})
        target: dict[str, Any] = {}
        if importer.target_field == "unit":
            target["unit"] = get_object_or_404(AdminUnit.objects.all(), code=data.get("unit", ""))
        else:
            target["assignment"] = get_object_or_404(
                Assignment.objects.visible_to(user).select_related("round", "group"), pk=data.get("assignment")
            )
        try:
            run = start_import(importer.kind, data["file"], actor=user, **target)
        except ImportRefused as exc:
            refused = {"row": None, "column": "file", "value": data["file"].name or "", "reason": exc.message}
            return Response({"detail": exc.message, "errors": [refused]}, status=400)
        return Response(ImportRunSerializer(run).data, status=201)


class ImportDetailView(generics.RetrieveAPIView[ImportRun]):
    serializer_class = ImportRunSerializer

    def get_queryset(self) -> QuerySet[ImportRun]:
        return ImportRun.objects.visible_to(self.request.user).select_related("unit", "assignment__group")

    @extend_schema(
        operation_id="documents_imports_retrieve",
        description="An import's status, counts and, when it was rejected, every bad row (the user's own imports).",
        responses={200: ImportRunSerializer, **errors(*READ_ERRORS)},
        tags=["documents"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("imports/<int:pk>/", ImportDetailView.as_view(), name="import-detail"),
    path("imports/<str:kind>/", ImportCreateView.as_view(), name="import-create"),
]
