"""Places in a lower app's pages where a higher app adds its own buttons (a "slot").

Scheduling's appointment panel and today list, and walk-ins' desk ticket, show what higher apps contribute
without importing them: the higher app registers a provider for the slot from its `AppConfig.ready()`, the
lower app's view asks the slot for the HTML of a batch of objects (one call per page, so a provider can load
what it needs for all the rows in a constant number of queries).

    slots.register("scheduling.appointment", provider)   # provider(user, objects) -> {obj.pk: html}
    slots.render_many("scheduling.appointment", user, appointments)  -> {pk: SafeString}

Known slots: `scheduling.appointment` (the panel and the today list), `scheduling.booking_appointment` (the
client's appointment page: deposits shows the deposit and its pay button), `walkins.ticket` (the desk's ticket),
`workorders.work_order` (the work order's page header; billing links the invoice).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[Any, Sequence[Any]], dict[Any, str]]

_providers: dict[str, list[Provider]] = {}


def register(slot: str, provider: Provider) -> None:
    """Add `provider` to `slot` (registering the same provider twice keeps one)."""
    providers = _providers.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def unregister(slot: str, provider: Provider) -> None:
    if provider in _providers.get(slot, []):
        _providers[slot].remove(provider)


def render_many(slot: str, user: Any, objects: Sequence[Any]) -> dict[Any, SafeString]:
    """Every provider's HTML for each object, by primary key (objects with nothing get no key)."""
    objects = [obj for obj in objects if obj is not None]
    if not objects:
        return {}
    pieces: dict[Any, list[str]] = {}
    for provider in _providers.get(slot, []):
        for pk, html in provider(user, objects).items():
            if html:
                pieces.setdefault(pk, []).append(html)
    return {pk: format_html_join("", "{}", ((mark_safe(h),) for h in htmls)) for pk, htmls in pieces.items()}  # noqa: S308


def render_one(slot: str, user: Any, obj: Any) -> SafeString:
    if obj is None:
        return mark_safe("")
    return render_many(slot, user, [obj]).get(obj.pk, mark_safe(""))
