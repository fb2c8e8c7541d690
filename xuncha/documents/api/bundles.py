"""API for round bundles: queue one, read its progress, download the .zip when it is done."""

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

from xuncha.audit.actions import log_access
from xuncha.audit.models import AccessLog
from xuncha.core.api import READ_ERRORS, WRITE_ERRORS, errors
from xuncha.core.http import client_ip
from xuncha.documents import actions, bundles
from xuncha.documents.api.base import DownloadView
from xuncha.documents.files import ZIP
from xuncha.documents.models import Bundle
from xuncha.inspections.models import Round


class BundleSerializer(serializers.ModelSerializer[Bundle]):
    """A round's bundle of feedback documents and how far its building has come."""

    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Bundle
        fields = ["id", "round", "status", "done", "total", "percent", "size", "error", "requested_at", "finished_at"]
        fields += ["download"]
        read_only_fields = fields

    def get_download(self, bundle: Bundle) -> str | None:
        """The .zip's address once the bundle is done."""
        if bundle.status != Bundle.Status.DONE:
            return None
        return reverse("v1:document-bundle-download", args=[bundle.pk])


class BundleStartView(APIView):
    @extend_schema(
        operation_id="documents_bundle_start",
        description="Queue the bundle of a round's feedback documents (the office only); the worker builds it.",
        request=None,
        responses={202: BundleSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(Round.objects.visible_to(request.user).distinct(), pk=pk)
        bundle = actions.request_bundle(round_, actor=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]
        return Response(BundleSerializer(bundle).data, status=202)


class BundleDetailView(APIView):
    @extend_schema(
        operation_id="documents_bundle_retrieve",
        description="A bundle's status and progress (documents done of all).",
        responses={200: BundleSerializer, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(BundleSerializer(get_object_or_404(Bundle.objects.visible_to(request.user), pk=pk)).data)


class BundleDownloadView(DownloadView):
    @extend_schema(
        operation_id="documents_bundle_download",
        description="The finished bundle as a .zip of .docx files (404 until it is done).",
        responses={(200, ZIP): OpenApiTypes.BINARY, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: int) -> Any:
        bundle = get_object_or_404(Bundle.objects.visible_to(request.user).select_related("round__term"), pk=pk)
        file = bundles.bundle_path(bundle)
        if file is None:
            raise Http404
        detail = f"bundle {bundle.round}"
        log_access(self.user, AccessLog.Action.EXPORTED, bundle, detail=detail, ip_address=self.ip_address)
        name = bundles.bundle_name(bundle)
        return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=ZIP)


urlpatterns = [
    path("rounds/<int:pk>/bundle/", BundleStartView.as_view(), name="document-bundle-start"),
    path("bundles/<int:pk>/", BundleDetailView.as_view(), name="document-bundle"),
    path("bundles/<int:pk>/download/", BundleDownloadView.as_view(), name="document-bundle-download"),
]
