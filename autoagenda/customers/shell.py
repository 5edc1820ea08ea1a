"""What customers adds to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role
from autoagenda.core.contributions import DashboardPanel, NavEntry
from autoagenda.customers.selectors import vehicle_features_enabled


def _my_vehicles(user: Any) -> dict[str, Any] | None:
    if user.role != Role.CLIENT:
        return None
    return {"vehicles": list(user.vehicles.all()[:5]), "vehicles_enabled": vehicle_features_enabled(cached=True)}


NAV_ENTRIES = (
    NavEntry(
        order=30,
        label=_("My vehicles"),
        url_name="customers:list",
        shown_to=lambda u: u.role == Role.CLIENT and vehicle_features_enabled(cached=True),
    ),
)

DASHBOARD_PANELS = (DashboardPanel(order=40, template="customers/dashboard/my_vehicles.html", data=_my_vehicles),)
