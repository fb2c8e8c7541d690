"""Error pages: 400, 403, 404, 429, 500 and the CSRF failure, in the app's frame and the user's language.

Django's own handlers answer a bare English page with no way back. These render the office's frame (the left
navigation for a signed-in user, the breadcrumbs, a link to sign in for anyone else) with a plain explanation, a
link home and a link back. Paths under ``/api/`` keep answering JSON, like the API's own errors.

The 500 page is rendered without a request context: no context processor runs (they read the database, which may
be what failed), and if even that template cannot be rendered a fixed page goes out, so that a 500 never raises.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# The last resort when even the minimal 500 template fails: no template, no translation, no database.
FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>系统错误</title></head>'
    '<body><h1>系统暂时出错</h1><p>服务器处理请求时出错，已记录。请稍后再试。</p><p><a href="/">返回首页</a></p>'
    "</body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours and not the failing page itself; empty otherwise."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


def _page(request: HttpRequest, status: int, template: str, detail: str = "") -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": detail or _page_title(status)}, status=status)
    try:
        referer = back_url(request)
    except Exception:  # an unknown host (a 400 for DisallowedHost) must still get its page
        referer = ""
    context = {"status": status, "back_url": referer, "detail": detail}
    body = loader.render_to_string(template, context, request)
    return HttpResponse(body, status=status)


def _page_title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        403: _("Access denied"),
        404: _("Page not found"),
        429: _("Too many requests"),
        500: _("Server error"),
    }
    return titles.get(status, _("Error"))


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "core/errors/400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django's PermissionDenied carries no message meant for users unless a view gave one; ours always do.
    message = str(exception) if exception is not None and str(exception) else ""
    return _page(request, 403, "core/errors/403.html", message)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "core/errors/404.html")


def too_many_requests(request: HttpRequest, detail: str = "") -> HttpResponse:
    """429 for the signed-in pages' limits; the residents' pages keep their own page (``public/too_many.html``)."""
    return _page(request, 429, "core/errors/429.html", detail)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from an expired page or another site. The reason is Django's English
    text for developers; it goes to the log, not to the page."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    if _is_api(request):
        return JsonResponse({"detail": _("The security check of this request failed.")}, status=403)
    return _page(request, 403, "core/errors/csrf.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """500, without the database or context processors; falls back to a fixed page rather than raise."""
    try:
        if _is_api(request):
            return JsonResponse({"detail": _("Server error. Please try again later.")}, status=500)
        body = loader.get_template("core/errors/500.html").render({"status": 500})
        return HttpResponse(body, status=500)
    except Exception:  # the error page itself must never fail
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(FALLBACK_500, status=500)
