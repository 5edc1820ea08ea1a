"""What the work-order views share: partial rendering, refusals shown in place, the location of a board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import require
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_work_at, get_location_for_user, get_location_worked_at

LIVE_HEADER = "HX-Trigger"


def is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def render_page(
    request: HttpRequest, full: str, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    response = render(request, partial if is_partial(request) else full, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


def redirect_with(request: HttpRequest, url: str, text: str, *, level: int = messages.SUCCESS) -> HttpResponse:
    messages.add_message(request, level, text)
    return HttpResponseRedirect(safe_next(request, url))


def refusal(exc: ApplicationError) -> str:
    """What a refused form shows: the service's message, and what to fix on the first field it names."""
    detail = next((messages[0] for messages in exc.errors.values() if messages), "")
    return exc.message if not detail or detail == exc.message else f"{exc.message} {detail}"


def actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


def staff_location(request: HttpRequest, location_id: Any, *, check: Any = can_work_at) -> Location:
    """404 for a location the user may not see; 403 when `check` refuses them there (default: works there, which
    the location's own query answers: no second one)."""
    if check is can_work_at:
        return get_location_worked_at(request.user, location_id)
    location = get_location_for_user(request.user, location_id)
    require(check(request.user, location))
    return location
