"""The API's sign-in: a token for a user name and password, and the two-factor code where the user's roles ask for
one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xuncha.accounts.actions import issue_token, verify_two_factor
from xuncha.accounts.models import SYSTEM_ROLES
from xuncha.accounts.permissions import needs_two_factor
from xuncha.accounts.scoping import roles_of
from xuncha.accounts.two_factor import has_two_factor
from xuncha.accounts.validators import password_expired


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        required=False,
        help_text=_("The authenticator app's code (or a recovery code), for users who sign in with a second factor."),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text=_('Send it as "Authorization: Token <token>". It is shown only once.'))
    expires_at = serializers.DateTimeField(help_text=_("When the token stops working."))


class TokenView(APIView):
    """A new API token for a user name and password.

    DRF passes its request to ``authenticate``, which the axes backend needs: failures are counted and lock out the
    user name from that address as on the login page. A locked-out request gets the same 400 as a wrong password.
    Only the key's digest is stored; the token expires, and signing out of the web revokes it.
    """

    authentication_classes = ()
    permission_classes = ()
    throttle_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_(
                    "Wrong user name or password, locked out, a missing or wrong two-factor code, or a password "
                    "that must be changed first."
                ),
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.must_change_password or password_expired(user, bool(roles_of(user) & SYSTEM_ROLES)):
            raise ValidationError({"password": [_("Change your password on the web first.")]})
        if needs_two_factor(user):
            # The same second factor as the web's sign-in: a password alone never yields a token for these users.
            if not has_two_factor(user):
                raise ValidationError({"code": [_("Enrol a two-factor device on the web first.")]})
            submitted: Any = request.data
            code = str(submitted.get("code", "")).strip()
            if not code or verify_two_factor(user, code=code, actor=user).device is None:
                raise ValidationError({"code": [_("A valid two-factor code is needed.")]})
        issued = issue_token(user, actor=user, two_factor=needs_two_factor(user))
        return Response(TokenSerializer({"token": issued.key, "expires_at": issued.expires_at}).data)
