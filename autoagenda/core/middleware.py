"""Keep the API's error body on paths Django answers before DRF runs."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_GENERIC = {
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    500: ("server_error", "A server error occurred."),
}


class ApiErrorMiddleware:
    """Unknown `/api/...` URLs and unhandled failures answer JSON, never HTML."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code not in _GENERIC:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, detail = _GENERIC[response.status_code]
        return JsonResponse({"code": code, "detail": _(detail)}, status=response.status_code)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            import logging

            logging.getLogger("autoagenda.api").exception("Unhandled API error", exc_info=exception)
            return HttpResponse(
                json.dumps({"code": "server_error", "detail": _("A server error occurred.")}),
                status=500,
                content_type="application/json",
            )
        return None
