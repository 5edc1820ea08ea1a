"""What every staff calendar page shares: fetching and authorizing, query parameters, htmx fragments."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from autoagenda.accounts.permissions import is_staff_member, require
from autoagenda.core import bounds
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_work_at, get_location_for_user
from autoagenda.scheduling.calendar import selectors as cal
from autoagenda.scheduling.models import Appointment
from autoagenda.scheduling.permissions import can_act_on_appointment, can_view_appointment_panel

TEMPLATES = "scheduling/calendar"


def staff_location(request: HttpRequest, location_id: Any) -> Location:
    """404 for a location the user may not see; 403 for a client (who sees it to book, not to run it)."""
    location = get_location_for_user(request.user, location_id)
    require(can_work_at(request.user, location))
    return location


def staff_appointment(request: HttpRequest, pk: Any, *, act: bool = True) -> Appointment:
    """404 when not visible (another location's, another client's); 403 for the client who owns it, and,
    when `act`, for a mechanic it is not assigned to (they read the panel, without its actions)."""
    appointment = cal.appointment_for_panel(request.user, pk)
    require(can_view_appointment_panel(request.user, appointment))
    if act:
        require(can_act_on_appointment(request.user, appointment))
    return appointment


def require_staff(request: HttpRequest) -> None:
    require(is_staff_member(request.user))


def now_day(location: Location) -> date:
    return cal.local_today(location, timezone.now())


def param_date(raw: str | None, default: date) -> date:
    """`?date=` as given, or `default` when it is not a date within 2000–2100 (the pages never fail on it)."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return default
    return day if bounds.date_in_bounds(day) else default


def calendar_url(name: str, *args: Any, **query: Any) -> str:
    params = {k: v for k, v in query.items() if v not in (None, "", False)}
    base = reverse(f"calendar:{name}", args=args)
    return f"{base}?{urlencode(params)}" if params else base


def is_partial(request: HttpRequest) -> bool:
    """An htmx swap of a fragment (not a boosted page load)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def render_page(
    request: HttpRequest, full: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, partial if is_partial(request) else full, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback
