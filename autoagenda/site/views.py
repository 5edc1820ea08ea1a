"""The shell's pages: the landing page and dashboard at /, and the error pages of every other page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from autoagenda.site.selectors import dashboard_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "site/landing.html")
    return render(request, "site/dashboard.html", dashboard_for(request.user))


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        codes = {403: "permission_denied", 404: "not_found", 500: "server_error"}
        return JsonResponse({"code": codes[status], "detail": message}, status=status)
    context: dict[str, Any] = {"status": status, "title": title, "message": message}
    return render(request, "site/error.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("Access denied"), _("Your role does not allow this action."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"), _("The page does not exist or is not visible to you."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong"), _("We have been notified. Please try again shortly."))


def error_preview(request: HttpRequest, code: int) -> HttpResponse:
    """DEBUG only: look at the error pages."""
    handlers = {403: permission_denied, 404: page_not_found}
    if code in handlers:
        return handlers[code](request)
    return server_error(request)
