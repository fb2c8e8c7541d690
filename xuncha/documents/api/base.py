"""What every API download shares: it answers its file whatever the client accepts, as the signed-in user."""

from __future__ import annotations

from typing import Any, cast

from rest_framework.request import Request
from rest_framework.views import APIView

from xuncha.accounts.models import User
from xuncha.core.http import client_ip


class DownloadView(APIView):
    """A file download (a document, a workbook, a bundle): the signed-in user, and the address the access log
    records."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file answers itself, whatever the Accept header; only refusals go through the JSON renderer, so a
        # client asking for .docx, .xlsx or .zip gets its 404 as JSON rather than a 406.
        return super().perform_content_negotiation(request, force=True)

    @property
    def user(self) -> User:
        """The signed-in user (``IsAuthenticated`` is the default permission)."""
        return cast("User", self.request.user)

    @property
    def ip_address(self) -> str | None:
        return client_ip(self.request._request)
