"""What work orders add to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role
from autoagenda.core.contributions import DashboardPanel, NavEntry

DESK_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)


def _open_counts(user: Any) -> dict[str, Any] | None:
    """The desk's dashboard card: open work orders by status at their locations, with the boards' links."""
    if user.role not in DESK_ROLES:
        return None
    from django.db.models import Count

    from autoagenda.locations.permissions import locations_staffed_by
    from autoagenda.workorders.models import OPEN_STATUSES, WorkOrderStatus
    from autoagenda.workorders.permissions import work_orders_visible_to

    rows = (
        work_orders_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["status"]: row["n"] for row in rows}
    return {
        "counts": [(WorkOrderStatus(s).label, counts.get(s, 0)) for s in OPEN_STATUSES],
        "locations": list(locations_staffed_by(user).filter(is_active=True).order_by("name", "id")[:6]),
    }


NAV_ENTRIES = (
    NavEntry(order=25, label=_("My work orders"), url_name="workorders:mine", shown_to=lambda u: u.role == Role.CLIENT),
    NavEntry(order=65, label=_("Work orders"), url_name="workorders:index", shown_to=lambda u: u.role in DESK_ROLES),
    NavEntry(order=75, label=_("My jobs"), url_name="workorders:mechanic", shown_to=lambda u: u.role == Role.MECHANIC),
)

DASHBOARD_PANELS = (DashboardPanel(order=35, template="workorders/dashboard/open.html", data=_open_counts),)
