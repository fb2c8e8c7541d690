"""Sign-in lockout: per account (django-axes' own count) and, separately, per client address.

django-axes counts failed sign-ins by user name (``AXES_LOCKOUT_PARAMETERS = ["username"]``): five wrong passwords
lock that account wherever they come from. An address is locked on its own, after ``XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT``
failures for any user names, so that one client cannot try many accounts. The address is ``core.http.client_ip``,
which reads the client behind a trusted reverse proxy and ignores forwarded headers from anyone else: residents
behind one proxy are counted apart, and none of them can lock the county out.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from ``ip_address`` within the cool-off period, for any user name."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(ip_address: str | None) -> bool:
    """Whether the address has used up its own allowance of failed sign-ins."""
    return address_failures(ip_address) >= settings.XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT


def _locks_out() -> bool:
    return bool(getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True))


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a second, separate limit per client address."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return _locks_out() and address_locked(getattr(request, "axes_ip_address", None))

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        already = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already or request.axes_locked_out:  # type: ignore[attr-defined]
            return
        ip_address = request.axes_ip_address  # type: ignore[attr-defined]
        if _locks_out() and address_locked(ip_address):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes", request=request, username=get_client_username(request, credentials), ip_address=ip_address
            )


def locked_usernames() -> list[str]:
    """User names locked out now (the security administrator's unlock list)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return [row["username"] for row in totals if row["username"]]


def locked_addresses() -> list[str]:
    """Client addresses locked out now, whatever user names they tried."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = (
        AccessAttempt.objects.filter(attempt_time__gte=since, ip_address__isnull=False)
        .values("ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.XUNCHA_LOGIN_ADDRESS_FAILURE_LIMIT)
        .order_by("ip_address")
    )
    return [row["ip_address"] for row in totals]
