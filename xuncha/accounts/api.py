"""The API's sign-in: a token for a user name and password."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xuncha.accounts.actions import issue_token


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


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
            400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Wrong user name or password, or locked out.")),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        issued = issue_token(user, actor=user)
        return Response(TokenSerializer({"token": issued.key, "expires_at": issued.expires_at}).data)
