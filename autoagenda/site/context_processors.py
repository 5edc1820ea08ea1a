"""Navigation per role, computed once per request for base.html, from the entries the apps declare."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from autoagenda.core.contributions import NAV_GROUPS
from autoagenda.site import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's links, built when a template first uses them (an htmx fragment or a page's small
    partial renders with every context processor but draws no menu). No query of its own: the entries are known
    at start-up, and what they depend on (e.g. whether vehicles are enabled) is cached by the app that owns it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = SimpleLazyObject(lambda: _items(request, user))
    return {"nav_items": items, "nav_menu": SimpleLazyObject(lambda: _menu(list(items)))}


def _items(request: HttpRequest, user: Any) -> list[dict[str, Any]]:
    entries = [entry for entry in registry.nav_entries() if entry.shown_to(user)]
    items = [
        (reverse(entry.url_name, args=entry.url_args(user) if entry.url_args else ()), entry.label, entry.group)
        for entry in entries
    ]
    current = request.path
    # The active link is the longest one the current path falls under
    # (/book/appointments/ is "My appointments", not "Book").
    matches = [url for url, _label, _group in items if url == current or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)
    return [{"url": url, "label": label, "group": group, "active": url == active} for url, label, group in items]


def _menu(nav_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top level as base.html draws it: links, and drop-down menus (`links`) where their first entry is; a
    menu with a single entry for this user is that entry, a plain link."""
    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in nav_items:
        key = item["group"]
        if not key:
            menu.append(item)
            continue
        if key not in groups:
            groups[key] = {"key": key, "label": NAV_GROUPS[key].label, "links": [], "active": False}
            menu.append(groups[key])
        groups[key]["links"].append(item)
        groups[key]["active"] = groups[key]["active"] or item["active"]
    return [entry["links"][0] if "links" in entry and len(entry["links"]) == 1 else entry for entry in menu]
