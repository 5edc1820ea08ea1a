"""Navigation per role, computed once per request for base.html."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts import permissions
from autoagenda.accounts.models import Role
from autoagenda.locations.models import Location, Sector


def _vehicles_enabled() -> bool:
    return Location.objects.filter(is_active=True, sector=Sector.AUTOMOTIVE).exists()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = user.role
    items: list[tuple[str, Any]] = [(reverse("home"), _("Home"))]
    vehicles = _vehicles_enabled()
    if role == Role.CLIENT:
        items.append((reverse("booking:start"), _("Book")))
        items.append((reverse("booking:mine"), _("My appointments")))
        if vehicles:
            items.append((reverse("customers:list"), _("My vehicles")))
        items.append((reverse("accounts:apply"), _("Work with us")))
    if permissions.is_staff_member(user):
        items.append((reverse("calendar:index"), _("Calendar")))
        items.append((reverse("walkins:index"), _("Walk-ins")))
        if role == Role.MECHANIC:
            items.append((reverse("calendar:mine"), _("My appointments")))
        items.append((reverse("locations:list"), _("Locations")))
        items.append((reverse("catalog:list"), _("Services")))
    if role in (Role.ADMIN, Role.MANAGER):
        items.append((reverse("accounts:user_list"), _("Users")))
        items.append((reverse("scheduling:staff_list"), _("Staff hours")))
        items.append((reverse("notifications:outbox"), _("Outbox")))
    if role in (Role.RECEPTIONIST, Role.MECHANIC):
        items.append((reverse("scheduling:staff_time_off", args=[user.pk]), _("My time off")))
    if role == Role.ADMIN:
        items.append((reverse("accounts:application_list"), _("Applications")))
    current = request.path
    # The active link is the longest one the current path falls under
    # (/book/appointments/ is "My appointments", not "Book").
    matches = [url for url, _label in items if url == current or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)
    nav = [{"url": url, "label": label, "active": url == active} for url, label in items]
    return {"nav_items": nav, "vehicles_enabled": vehicles}
