"""Request types and the translation of domain refusals into responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from xuncha.core.exceptions import ActionRefused

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from xuncha.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real account."""

    user: User
    htmx: HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def refusal(request: HttpRequest, exc: ActionRefused) -> None:
    """Show a refused action's reason to the user as an error message."""
    messages.error(request, exc.message)


def form_errors(form: BaseForm) -> str:
    """A form's errors as one line, each prefixed by its field's label, for a refusal message."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}：{error}" if label else str(error) for error in errors)
    return "；".join(parts)


def run_action(request: HttpRequest, run: Callable[[], object], success: str) -> bool:
    """Run an action for a page: show its refusal, or ``success``, as a message. Returns whether it went through."""
    try:
        run()
    except ActionRefused as exc:
        refusal(request, exc)
        return False
    messages.success(request, success)
    return True


def refuse_form(request: HttpRequest, form: BaseForm) -> None:
    """Show an invalid form's errors as a refusal message."""
    refusal(request, ActionRefused(form_errors(form)))


def htmx_redirect(url: str) -> HttpResponse:
    """Redirect an htmx request with a full page load (after a successful POST from a partial)."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response
