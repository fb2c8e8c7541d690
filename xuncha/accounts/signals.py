"""Thin adapters from the sign-in machinery's signals (Django's and django-axes') to the recording actions.

Each receiver only picks the facts out of the signal and calls ``accounts.actions``, which writes the audit event.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from xuncha.accounts import actions
from xuncha.core.http import client_ip


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="xuncha.accounts.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    actions.record_sign_in(user, ip_address=_ip(request))


@receiver(user_logged_out, dispatch_uid="xuncha.accounts.signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        actions.record_sign_out(user, ip_address=_ip(request))


@receiver(user_login_failed, dispatch_uid="xuncha.accounts.sign_in_failed")
def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django has already masked the password in ``credentials``; only the user name is taken from it.
    username = str(credentials.get("username") or "")
    actions.record_failed_sign_in(username, ip_address=_ip(request))


@receiver(user_locked_out, dispatch_uid="xuncha.accounts.locked_out")
def locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    actions.record_lockout(username or "", ip_address=ip_address)
