"""The public screen of a location's walk-in queue: a TV in the waiting room, no login.

The page is rendered with the current state (so it is right before the
WebSocket opens) and `display.js` keeps it live from `/ws/locations/<id>/display/`.
`?lang=en` pins the screen's language whatever the TV's browser asks for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from autoagenda.locations.permissions import get_location_for_display
from autoagenda.walkins import selectors

RECENT_SHOWN = 6


def _local_time(value: Any, zone: ZoneInfo) -> str:
    """ "14:05" in the location's zone, from the ISO string (or datetime) of the display state."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(zone).strftime("%H:%M")


def _call(item: dict[str, Any] | None, zone: ZoneInfo) -> dict[str, Any] | None:
    if not item:
        return None
    return {**item, "time": _local_time(item.get("at"), zone)}


def earlier_calls(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The calls before the one on the big panel (`recent` already leaves that ticket out)."""
    current = state.get("current") or {}
    return [item for item in state.get("recent", []) if item.get("number") != current.get("number")][:RECENT_SHOWN]


def _labels() -> dict[str, str]:
    """The words display.js writes, in the screen's language (no JavaScript catalogue needed)."""
    return {
        "live": gettext("Live"),
        "connecting": gettext("Connecting…"),
        "reconnecting": gettext("Reconnecting…"),
        "offline": gettext("No connection — retrying"),
        "nowServing": gettext("Now calling"),
        "calledAgain": gettext("Called again"),
        "welcome": gettext("Welcome"),
        "goTo": gettext("Please go to"),
        "waiting": gettext("waiting"),
        "minutes": gettext("min"),
    }


@require_GET
def display(request: HttpRequest, location_id: int) -> HttpResponse:
    # Public: the same answer for everyone, staff included (only active locations have a screen).
    location = get_location_for_display(location_id)
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        zone = ZoneInfo(location.timezone)
        state = selectors.display_state(location.pk)
        context = {
            "location": location,
            "state": state,
            "current": _call(state.get("current"), zone),
            "recent": [_call(item, zone) for item in earlier_calls(state)],
            "waiting": state.get("waiting", []),
            "ws_path": f"/ws/locations/{location.pk}/display/",
            "language": language,
            "labels": _labels(),
            "now": datetime.now(tz=zone),
        }
        response = render(request, "walkins/display.html", context)
    response["Content-Language"] = language
    # A TV may sit behind a caching proxy; the state must always be fresh.
    response["Cache-Control"] = "no-store"
    return response
