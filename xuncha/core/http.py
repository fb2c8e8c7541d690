"""Request types and the translation of domain refusals into responses."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
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


type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def trusted_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """The addresses and CIDR blocks of ``XUNCHA_TRUSTED_PROXIES`` (``ValueError`` for one that is not)."""
    return _networks(tuple(proxies))


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: ``REMOTE_ADDR``, unless that is a trusted reverse proxy (``XUNCHA_TRUSTED_PROXIES``).

    Behind a trusted proxy the client is the right-most address of X-Forwarded-For that is not itself a trusted
    proxy: each proxy appends the address it was connected from, so everything left of that entry was written by the
    client and may be forged. From any other peer the header is ignored entirely, since a client can send it.
    Rate limits, the sign-in lockout (``AXES_CLIENT_IP_CALLABLE``) and the access log all use this one answer.
    """
    remote = request.META.get("REMOTE_ADDR")
    networks = trusted_networks(getattr(settings, "XUNCHA_TRUSTED_PROXIES", ()))
    peer = _parse(remote) if remote else None
    if peer is None or not networks or not _trusted(peer, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            # No header, or an entry no proxy of ours wrote: nothing to its left can be trusted either.
            return remote
        if not _trusted(address, networks):
            return str(address)
    # Only trusted proxies on the way (or no header): the request came from the proxies' own network.
    return remote


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
