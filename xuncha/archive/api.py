"""API of the archive: file a closed round, read a file's progress, download it (the office only)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xuncha.archive import actions
from xuncha.archive.models import Archive
from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.api import READ_ERRORS, WRITE_ERRORS, errors
from xuncha.documents.api.base import DownloadView
from xuncha.documents.files import ZIP
from xuncha.inspections.models import Round


class ArchiveSerializer(serializers.ModelSerializer[Archive]):
    """An assignment's file (卷宗) and how far its building has come."""

    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Archive
        fields = ["id", "round", "assignment", "status", "done", "total", "percent", "size", "sha256", "retention"]
        fields += ["requested_at", "built_at", "error", "download"]
        read_only_fields = fields

    def get_download(self, archive: Archive) -> str | None:
        """The .zip's address once the file is ready."""
        if archive.status != Archive.Status.READY:
            return None
        return reverse("v1:archive-download", args=[archive.pk])


class RoundArchiveView(APIView):
    @extend_schema(
        operation_id="archive_round",
        description="File a closed round (the office only): it becomes read-only and the worker builds the file of "
        "each assignment that has none ready or being built.",
        request=None,
        responses={202: ArchiveSerializer(many=True), **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(Round.objects.visible_to(request.user).select_related("term__county"), pk=pk)
        archives = actions.archive_round(round_, actor=request.user)  # type: ignore[arg-type]
        return Response(ArchiveSerializer(archives, many=True).data, status=202)


class ArchiveDetailView(APIView):
    @extend_schema(
        operation_id="archive_retrieve",
        description="A file's status, progress, size and SHA-256.",
        responses={200: ArchiveSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ArchiveSerializer(get_object_or_404(Archive.objects.visible_to(request.user), pk=pk)).data)


class ArchiveDownloadView(DownloadView):
    @extend_schema(
        operation_id="archive_download",
        description="The ready file as a .zip (404 until it is ready).",
        responses={(200, ZIP): OpenApiTypes.BINARY, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: int) -> Any:
        queryset = Archive.objects.visible_to(request.user).select_related("round__term", "assignment__group")
        archive = get_object_or_404(queryset, pk=pk)
        file = actions.archive_path(archive)
        if file is None:
            raise Http404
        name = actions.archive_name(archive)
        log_access(self.user, AccessLog.Action.EXPORTED, archive, detail=name, ip_address=self.ip_address)
        return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=ZIP)


urlpatterns = [
    path("rounds/<int:pk>/archive/", RoundArchiveView.as_view(), name="archive-round"),
    path("archives/<int:pk>/", ArchiveDetailView.as_view(), name="archive"),
    path("archives/<int:pk>/download/", ArchiveDownloadView.as_view(), name="archive-download"),
]
