"""Keep the API's error body on paths Django answers before DRF runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponsePermanentRedirect, JsonResponse
from django.urls import is_valid_path
from django.utils.translation import gettext as _

logger = logging.getLogger("autoagenda.api")

_GENERIC = {
    400: ("parse_error", "Bad request."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    500: ("server_error", "A server error occurred."),
}


class _PermanentRedirectKeepingMethod(HttpResponsePermanentRedirect):
    status_code = 308


class ApiErrorMiddleware:
    """Unknown `/api/...` URLs and unhandled failures answer JSON, never HTML."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        redirect = self._missing_slash(request)
        if redirect is not None:
            return redirect
        response = self.get_response(request)
        if response.status_code not in _GENERIC or response.get("Content-Type", "").startswith("application/json"):
            return response
        code, detail = _GENERIC[response.status_code]
        return JsonResponse({"code": code, "detail": _(detail)}, status=response.status_code)

    @staticmethod
    def _missing_slash(request: HttpRequest) -> HttpResponse | None:
        """`POST /api/v1/auth/token` -> 308 to the slashed URL.

        CommonMiddleware's APPEND_SLASH answers 301 (a POST turns into a GET)
        and, with DEBUG, raises on POST (a 500); a 308 keeps method and body.
        """
        path = request.path_info
        if not settings.APPEND_SLASH or path.endswith("/"):
            return None
        urlconf = getattr(request, "urlconf", None)
        if is_valid_path(path, urlconf) or not is_valid_path(f"{path}/", urlconf):
            return None
        return _PermanentRedirectKeepingMethod(request.get_full_path(force_append_slash=True))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            logger.exception("Unhandled API error", exc_info=exception)
            return JsonResponse({"code": "server_error", "detail": _("A server error occurred.")}, status=500)
        return None


class RefuseNulMiddleware:
    """A NUL character in a query string or a posted form is a 400, before any view sees it.

    PostgreSQL cannot store or even compare text containing U+0000 (psycopg raises, a 500); serializer and form
    fields already refuse it, but filters such as `?plate=` and `?q=` are read straight from the query string.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return self._refuse(request, key.replace("\x00", ""))
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, field: str) -> HttpResponse:
        message = _("Null characters are not allowed.")
        if request.path.startswith("/api/"):
            body = {
                "code": "invalid",
                "detail": _("Invalid input."),
                "errors": {field or "non_field_errors": [message]},
            }
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
