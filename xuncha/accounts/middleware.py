"""Sends a user who must choose a new password (after a credential reset, or an administrator's expired password) to
the password-change page before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths that stay open meanwhile: the change itself, signing out, the language switch, static files, public pages.
OPEN_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/healthz", "/p/")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith((*OPEN_PREFIXES, settings.STATIC_URL)):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
                return redirect(f"{reverse('accounts:password-change')}")
        return self.get_response(request)
