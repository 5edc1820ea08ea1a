"""Keep the API's error body on paths Django answers before DRF runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
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
