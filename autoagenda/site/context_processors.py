"""Navigation per role, computed once per request for base.html, from the entries the apps declare."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from autoagenda.site import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's links. No query of its own: the entries are known at start-up, and what they depend
    on (e.g. whether vehicles are enabled) is cached by the app that owns it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (reverse(entry.url_name, args=entry.url_args(user) if entry.url_args else ()), entry.label)
        for entry in registry.nav_entries()
        if entry.shown_to(user)
    ]
    current = request.path
    # The active link is the longest one the current path falls under
    # (/book/appointments/ is "My appointments", not "Book").
    matches = [url for url, _label in items if url == current or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)
    return {"nav_items": [{"url": url, "label": label, "active": url == active} for url, label in items]}
