"""API tokens at the door: DRF's ``Authorization: Token <key>`` checked against the stored digests, and the user's
tokens revoked when they sign out of the web."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from xuncha.accounts.actions import revoke_tokens, token_digest
from xuncha.accounts.models import ApiToken, User
from xuncha.accounts.permissions import needs_two_factor

if TYPE_CHECKING:
    from django.http import HttpRequest


class HashedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: the key's digest must name a live token whose user is active and still has
    the password the token was issued under."""

    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = ApiToken.objects.live().select_related("user").filter(digest=token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if user.must_change_password:
            raise exceptions.AuthenticationFailed(_("Change your password on the web first."))
        if needs_two_factor(user) and not token.two_factor:
            # The user came to need a second factor after this token was issued on a password alone.
            raise exceptions.AuthenticationFailed(_("A valid two-factor code is needed."))
        stamps = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
        if not any(constant_time_compare(token.password_stamp, stamp) for stamp in stamps):
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return user, token


@receiver(user_logged_out, dispatch_uid="xuncha.accounts.tokens.revoke_on_sign_out")
def revoke_on_sign_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    """Signing out of the web (or being signed out when idle) signs every API client of the user out too."""
    if isinstance(user, User):
        revoke_tokens(user, actor=user, reason="signed_out")
