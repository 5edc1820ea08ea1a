"""What scheduling adds to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import is_staff_member
from autoagenda.core.contributions import DashboardPanel, NavEntry


def _is_client(user: Any) -> bool:
    return bool(user.role == Role.CLIENT)


NAV_ENTRIES = (
    NavEntry(order=10, label=_("Book"), url_name="booking:start", shown_to=_is_client),
    NavEntry(order=20, label=_("My appointments"), url_name="booking:mine", shown_to=_is_client),
    NavEntry(order=50, label=_("Calendar"), url_name="calendar:index", shown_to=is_staff_member),
    NavEntry(
        order=70,
        label=_("My appointments"),
        url_name="calendar:mine",
        shown_to=lambda u: is_staff_member(u) and u.role == Role.MECHANIC,
    ),
    NavEntry(
        order=110,
        label=_("Staff hours"),
        url_name="scheduling:staff_list",
        shown_to=lambda u: u.role in (Role.ADMIN, Role.MANAGER),
        group="admin",
    ),
    NavEntry(
        order=120,
        label=_("My time off"),
        url_name="scheduling:staff_time_off",
        shown_to=lambda u: u.role in (Role.RECEPTIONIST, Role.MECHANIC),
        url_args=lambda u: [u.pk],
    ),
)

DASHBOARD_PANELS = (
    DashboardPanel(
        order=30, template="scheduling/dashboard/book.html", data=lambda u: {} if u.role == Role.CLIENT else None
    ),
)
