"""Shared pieces of the REST API: refusals as responses, scoped viewsets, documented errors, the docs view.

Every app's ``api/views.py`` builds on these, so that each endpoint answers a refused action, a hidden object and
an invalid body the same way, and says so in the OpenAPI schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.viewsets import GenericViewSet

from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import client_ip

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """A refused action answers its ``status_code`` (403, 409, 400) with ``{"detail": message}``; anything hidden
    by scope answers the same 404 whether it exists or not."""
    if isinstance(exc, ActionRefused):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/ answers a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


class ErrorSerializer(serializers.Serializer[Any]):
    """Why a request was refused."""

    detail = serializers.CharField(help_text=_("Why the request was refused, in words a user can act on."))


_ERROR_DESCRIPTIONS: dict[int, Any] = {
    400: _("The request is invalid: field errors keyed by field name, or a detail message."),
    401: _("Not signed in, or the token is invalid."),
    403: _("The user's role or scope does not allow this action."),
    404: _("There is no such object, or it lies outside the user's scope."),
    409: _("The object's state or a rule of the domain does not allow this action now."),
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: 400 carries field errors, the others a ``detail`` message."""
    return {
        code: OpenApiResponse(
            response=OpenApiTypes.OBJECT if code == 400 else ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]
        )
        for code in codes
    }


# Statuses every kind of endpoint can answer besides success.
LIST_ERRORS = (400, 401, 404)  # a bad filter value; not signed in; a page past the end
READ_ERRORS = (401, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409)
# Creating answers no 404: the objects it names are fields of the body (400 when outside the user's scope).
CREATE_ERRORS = tuple(code for code in WRITE_ERRORS if code != 404)


def list_schema(serializer: type[serializers.Serializer[Any]], description: str) -> Any:
    """The schema of a list endpoint: a page of ``serializer`` and the errors a list answers."""
    return extend_schema(description=description, responses={200: serializer(many=True), **errors(*LIST_ERRORS)})


def read_schema(serializer: type[serializers.Serializer[Any]], description: str) -> Any:
    return extend_schema(description=description, responses={200: serializer, **errors(*READ_ERRORS)})


def write_schema(
    request: type[serializers.Serializer[Any]] | None,
    response: type[serializers.Serializer[Any]],
    description: str,
    *,
    status: int = 200,
    codes: tuple[int, ...] = WRITE_ERRORS,
) -> Any:
    """The schema of a transition or a creation: its body, its answer and the errors it may give."""
    return extend_schema(description=description, request=request, responses={status: response, **errors(*codes)})


class ScopedViewSet(GenericViewSet[Any]):
    """A viewset whose every read starts from ``model.objects.visible_to(user)``: objects outside the user's scope
    are left out of lists and answer 404 on detail and on every transition."""

    model: ClassVar[type[Model]]
    related: ClassVar[tuple[str, ...]] = ()

    def get_queryset(self) -> QuerySet[Any]:
        scoped: QuerySet[Any] = self.model._default_manager.visible_to(self.request.user)  # type: ignore[attr-defined]
        return scoped.select_related(*self.related) if self.related else scoped

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters narrow lists; a detail or a transition is found by its id alone, whatever the query string says.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @property
    def actor(self) -> User:
        """The signed-in user (``IsAuthenticated`` is the default permission) as the actor of an action."""
        return cast("User", self.request.user)

    @property
    def ip_address(self) -> str | None:
        return client_ip(self.request._request)

    def body(self, serializer_class: type[serializers.Serializer[Any]]) -> dict[str, Any]:
        """The request body validated by ``serializer_class`` (400 with field errors when invalid)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return cast("dict[str, Any]", serializer.validated_data)

    def respond(self, serializer_class: type[serializers.Serializer[Any]], obj: Any, status: int = 200) -> Response:
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, status=status)


class SwaggerView(SpectacularSwaggerSplitView):
    """The local Swagger UI. Its start-up script is a separate request (``?script``), since the strict CSP
    forbids inline scripts; the page itself needs a signed-in user, like the schema it loads."""

    url_name = "api-schema"


swagger_view = login_required(SwaggerView.as_view())
