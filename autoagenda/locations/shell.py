"""What locations adds to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.permissions import is_staff_member
from autoagenda.core.contributions import DashboardPanel, NavEntry
from autoagenda.locations.permissions import locations_staffed_by


def _your_locations(user: Any) -> dict[str, Any] | None:
    if not is_staff_member(user):
        return None
    locations = list(locations_staffed_by(user).order_by("name"))
    return {"locations": locations} if locations else None


NAV_ENTRIES = (
    NavEntry(order=80, label=_("Locations"), url_name="locations:list", shown_to=is_staff_member, group="workshop"),
)

DASHBOARD_PANELS = (DashboardPanel(order=10, template="locations/dashboard/your_locations.html", data=_your_locations),)
