"""What inventory adds to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.permissions import is_staff_member
from autoagenda.core.contributions import DashboardPanel, NavEntry
from autoagenda.inventory.selectors import low_stock_count


def _low_stock(user: Any) -> dict[str, Any] | None:
    if not is_staff_member(user):
        return None
    counts = low_stock_count(user)
    return {"counts": counts} if counts else None


NAV_ENTRIES = (
    NavEntry(order=95, label=_("Stock"), url_name="inventory:list", shown_to=is_staff_member, group="workshop"),
)

DASHBOARD_PANELS = (DashboardPanel(order=15, template="inventory/dashboard/low_stock.html", data=_low_stock),)
