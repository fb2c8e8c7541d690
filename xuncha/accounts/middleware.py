"""What a signed-in user reaches before the sign-in is complete: a user whose roles ask for a second factor reaches
nothing but the two-factor pages, sign-out and static files until the session is confirmed with a code (django-otp's
``OTPMiddleware`` tells, from the device the session was verified with); then a user who must choose a new password
(after a credential reset, or an administrator's expired password) reaches the password-change page before anything
else. ``TwoFactorMiddleware`` comes first, so that the password is changed by a confirmed session."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from xuncha.accounts.permissions import needs_two_factor
from xuncha.accounts.two_factor import has_two_factor

# Paths that stay open meanwhile: the change itself, two-factor sign-in, signing out, the language switch, static
# files, public pages.
OPEN_PREFIXES = ("/accounts/password/", "/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/healthz", "/p/")


class TwoFactorMiddleware:
    """Sends a signed-in user who needs a second factor to the code page, or to enrolment when they have no
    device yet. Installed after ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.XUNCHA_2FA and not self._exempt(request.path_info):
            user = request.user
            if user.is_authenticated and not getattr(user, "is_verified", lambda: False)() and needs_two_factor(user):
                page = "accounts:two-factor-verify" if has_two_factor(user) else "accounts:two-factor-enrol"
                return self._refuse(request, page)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = [
            reverse("accounts:two-factor-verify"),
            reverse("accounts:two-factor-enrol"),
            reverse("accounts:logout"),
            reverse("accounts:login"),
            reverse("set_language"),
            settings.STATIC_URL,
        ]
        return any(path.startswith(prefix) for prefix in allowed)

    @staticmethod
    def _refuse(request: HttpRequest, page: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Confirm your sign-in with a two-factor code first.")}, status=403)
        url = reverse(page)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


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
