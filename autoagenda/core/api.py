"""API platform pieces shared by every app: error body, pagination, base views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from autoagenda.core.errors import ApplicationError

# DRF's own default codes, renamed where API.md names them differently.
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


def error_body(code: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested validation detail into {"field": [messages]}.

    Nested fields are joined with dots (`lines.0.quantity`); errors that belong
    to no field go under `non_field_errors`.
    """
    key = prefix or "non_field_errors"
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for field, value in detail.items():
            name = f"{prefix}.{field}" if prefix else str(field)
            for sub_key, msgs in _flatten(value, name).items():
                out.setdefault(sub_key, []).extend(msgs)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {key: [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for sub_key, msgs in _flatten(item, f"{key}.{index}").items():
                out.setdefault(sub_key, []).extend(msgs)
        return out
    return {key: [str(detail)]}


def _code_for(exc: exceptions.APIException) -> str:
    # simplejwt's InvalidToken carries its own code ("token_not_valid").
    own = getattr(exc, "default_code", None)
    if own == "token_not_valid":
        return "token_not_valid"
    for klass, code in _CODE_BY_EXCEPTION:
        if isinstance(exc, klass):
            return code
    return str(own or "error")


def _detail_text(detail: Any) -> str:
    if isinstance(detail, dict):
        if "detail" in detail:
            return str(detail["detail"])
        return _("Invalid input.")
    if isinstance(detail, list):
        return " ".join(str(d) for d in detail) if detail else _("Invalid input.")
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as {"code", "detail", "errors"} (API.md)."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.errors or None), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]

    code = _code_for(exc)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = error_body(code, _("Invalid input."), errors)
    else:
        body = error_body(code, _detail_text(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def application_error_response(exc: ApplicationError) -> Response:
    return Response(error_body(exc.code, exc.message, exc.errors or None), status=exc.status)


__all__ = ["Pagination", "application_error_response", "error_body", "exception_handler", "status"]
