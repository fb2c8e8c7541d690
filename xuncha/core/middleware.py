"""Request middleware of the project."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switcher (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which would show English to an office whose
    machines happen to be set up in English; the choice belongs to the user, not to the browser's defaults.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# The session key holding the time of the user's last request, in whole seconds since the epoch.
LAST_ACTIVITY_KEY = "xuncha_last_activity"
# The last activity is written at most this often, so that a burst of requests does not save the session each time.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Sign out a web session idle for longer than ``XUNCHA_IDLE_MINUTES``.

    Each request of a signed-in session records its time; one that comes later than the limit ends the session
    (API tokens, which the session does not carry, are revoked with it by the sign-out receiver). The page's
    ``static/xuncha/idle.js`` warns a few minutes before, from the limit in the page's ``xuncha-idle`` meta tag.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > settings.XUNCHA_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.XUNCHA_IDLE_MINUTES},
                )
                if getattr(request, "htmx", False):
                    return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
            elif not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def stamp_activity(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """Signing in is activity: the session starts with its time, so that its first pages need not save it again."""
    if hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in user (pages, partials, files and the
    API) and on the residents' pages (a petition, a receipt's status), so that no browser or proxy cache keeps case
    data. Static files never reach this middleware: WhiteNoise answers them before it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        public = match is not None and "public" in match.namespaces
        if (public or (user is not None and user.is_authenticated)) and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
