"""API platform pieces shared by every app: error body, pagination, schema helpers, ids in request bodies."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.fields import SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from autoagenda.core import bounds
from autoagenda.core.errors import ApplicationError

NON_FIELD_KEY: str = api_settings.NON_FIELD_ERRORS_KEY

# API.md's codes for DRF's exceptions (first match wins: subclasses before their bases).
_CODE_BY_EXCEPTION: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ParseError, "parse_error"),
    (exceptions.ValidationError, "invalid"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def error_body(code: str, detail: str, errors: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    return body


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def _flatten(detail: Any) -> dict[str, list[str]]:
    """Turn DRF's nested validation detail into {"field": [messages]}.

    Nested fields are joined with dots (`lines.0.quantity`, `mechanics.1`);
    errors that belong to no field go under `non_field_errors`, and a nested
    object's or list's own errors go under its name (`lines`), so a client can
    always show a message next to the input it came from.
    """
    out: dict[str, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = str(key)
                if name in (NON_FIELD_KEY, NON_FIELD_ERRORS):
                    walk(value, path)
                else:
                    walk(value, f"{path}.{name}" if path else name)
        elif isinstance(node, list | tuple):
            for index, item in enumerate(node):
                # A list of messages belongs to `path`; a list of objects (or of lists) is indexed.
                walk(item, path if _is_leaf(item) else (f"{path}.{index}" if path else str(index)))
        else:
            out.setdefault(path or NON_FIELD_KEY, []).append(str(node))

    walk(detail, "")
    return out


def _code_for(exc: exceptions.APIException) -> str:
    # simplejwt's InvalidToken is an AuthenticationFailed with its own code.
    own = getattr(exc, "default_code", None)
    if own == "token_not_valid":
        return "token_not_valid"
    for klass, code in _CODE_BY_EXCEPTION:
        if isinstance(exc, klass):
            return code
    return str(own or "error")


def _detail_text(detail: Any) -> str:
    if isinstance(detail, dict):
        return str(detail["detail"]) if "detail" in detail else _("Invalid input.")
    if isinstance(detail, list | tuple):
        return " ".join(str(d) for d in detail) if detail else _("Invalid input.")
    return str(detail)


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_KEY: exc.messages}
        )
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as {"code", "detail", "errors"} (API.md); `errors` only for validation.

    Anything else is left to Django (None): a real bug answers 500 through
    ApiErrorMiddleware, never a guessed 4xx.
    """
    if isinstance(exc, ApplicationError):
        set_rollback()
        return application_error_response(exc)
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None

    headers: dict[str, str] = {}
    auth_header = getattr(api_exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(api_exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))

    code = _code_for(api_exc)
    if isinstance(api_exc, exceptions.ValidationError):
        body = error_body(code, _("Invalid input."), _flatten(api_exc.detail) or {NON_FIELD_KEY: [_("Invalid input.")]})
    else:
        body = error_body(code, _detail_text(api_exc.detail))
    set_rollback()
    return Response(body, status=api_exc.status_code, headers=headers)


def application_error_response(exc: ApplicationError) -> Response:
    errors = exc.errors or None
    if exc.code == "invalid" and not errors:
        # A client reads validation problems from `errors`; never leave it out for `invalid`.
        errors = {NON_FIELD_KEY: [exc.message]}
    return Response(error_body(exc.code, exc.message, errors), status=exc.status)


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id in a request body, resolved through the app's permission function: `scope(user)` is the queryset
    of what the caller may name (`clients_visible_to`, `locations_known_to`, ...); the serializer's context
    carries the request.

    An id outside the scope answers exactly like one that does not exist (DRF's `does_not_exist`, with the id
    echoed), so a body tells an outsider nothing about another location's or client's objects. So does an
    integer that cannot be an id (0, past 64 bits: never sent to the database); anything else is
    `incorrect_type`. `many=True` gives a list of them.
    """

    def __init__(self, *, scope: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.scope(getattr(request, "user", None))

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        pk = bounds.parse_id(data)
        if pk is None:
            if isinstance(data, str) and not data.strip().isdigit():
                self.fail("incorrect_type", data_type=type(data).__name__)
            self.fail("does_not_exist", pk_value=data)
        try:
            return self.get_queryset().get(pk=pk)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", pk_value=data)


def validated(
    serializer_class: type[serializers.Serializer[Any]], request: Any, data: Any = None, *, partial: bool = False
) -> dict[str, Any]:
    """`data` (default: the request's body; pass `request.query_params` for a filter) as `serializer_class` reads
    it, with the request in its context so ids in a body resolve through the caller's scope; a 400 with every
    field's error otherwise."""
    serializer = serializer_class(
        data=request.data if data is None else data, partial=partial, context={"request": request}
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def location_param(request: Any, *, required: bool = False) -> int | None:
    """The `?location=<id>` of a list: None when absent (unless `required`), a 400 on `location` when it cannot be
    an id (never a 500, never a query with it)."""
    raw = request.query_params.get("location")
    if raw in (None, ""):
        if required:
            raise serializers.ValidationError({"location": [_("Give the location: ?location=<id>.")]})
        return None
    location_id = bounds.parse_id(raw)
    if location_id is None:
        raise serializers.ValidationError({"location": [_("Enter a location id.")]})
    return location_id


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


# --- OpenAPI helpers ------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The error body of every API answer that is not a success (API.md)."""

    code = serializers.CharField(help_text="Machine-readable reason, e.g. `invalid`, `not_found`, `slot_unavailable`.")
    detail = serializers.CharField(help_text="Human-readable message in the request's language.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # Added here, not declared: a class attribute named `errors` would shadow Serializer.errors.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Only for validation (400 `invalid`): messages per field; nested fields are dotted "
            "(`lines.0.quantity`); errors of no single field are under `non_field_errors`.",
        )
        return fields


_ERROR_DESCRIPTIONS = {
    400: "Invalid input (`invalid`, with `errors`) or malformed JSON (`parse_error`).",
    401: "No, or a bad, access token (`not_authenticated`, `token_not_valid`) or bad credentials.",
    403: "Your role may not do this (`permission_denied`).",
    404: "Not found, or not visible to you (`not_found`).",
    409: "Conflicts with the current state.",
    429: "Throttled (`throttled`); see the Retry-After header.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """`@extend_schema(responses={200: X, **error_responses(400, 404)})`."""
    return {
        code: OpenApiResponse(response=ErrorSerializer, description=_ERROR_DESCRIPTIONS.get(code, "Error."))
        for code in statuses
    }


__all__ = [
    "ErrorSerializer",
    "Pagination",
    "ScopedPrimaryKeyRelatedField",
    "application_error_response",
    "error_body",
    "error_responses",
    "exception_handler",
    "status",
]


class ContextFreeRepresentation(serializers.Serializer):
    """`to_representation` with one set of field objects per serializer class, built once.

    DRF deep-copies every declared field for each serializer it builds (`Serializer.fields`), which was a quarter
    of the cheapest authenticated read (`GET /api/v1/locations/{id}/`, issue 10). For reading, the fields of one
    context-free instance of the class do the same work: the same field objects' `get_attribute` and
    `to_representation`, in the same order, so the output is the same by construction. Only for serializers whose
    fields read neither the context nor the parent (no hyperlinks, no request-dependent fields); validation and
    writes still go through DRF's own per-instance fields.
    """

    @classmethod
    def _representation_fields(cls) -> list[serializers.Field]:
        fields = cls.__dict__.get("_cached_readable_fields")
        if fields is None:
            fields = list(cls()._readable_fields)
            cls._cached_readable_fields = fields  # type: ignore[attr-defined]
        return fields

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # Serializer.to_representation, over the class's fields.
        ret: dict[str, Any] = {}
        for field in self._representation_fields():
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[str(field.field_name)] = None if check_for_none is None else field.to_representation(attribute)
        return ret
