"""What accounts adds to the shell's navigation and dashboard (site/registry.py has the order numbers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from autoagenda.accounts.models import ApplicationStatus, ProfessionalApplication, Role
from autoagenda.core.contributions import DashboardPanel, NavEntry


def _pending_applications(user: Any) -> dict[str, Any] | None:
    if user.role != Role.ADMIN:
        return None
    count = ProfessionalApplication.objects.filter(status=ApplicationStatus.PENDING).count()
    return {"pending_applications": count} if count else None


NAV_ENTRIES = (
    NavEntry(order=40, label=_("Work with us"), url_name="accounts:apply", shown_to=lambda u: u.role == Role.CLIENT),
    NavEntry(
        order=100,
        label=_("Users"),
        url_name="accounts:user_list",
        shown_to=lambda u: u.role in (Role.ADMIN, Role.MANAGER),
        group="admin",
    ),
    NavEntry(
        order=130,
        label=_("Applications"),
        url_name="accounts:application_list",
        shown_to=lambda u: u.role == Role.ADMIN,
        group="admin",
    ),
)

DASHBOARD_PANELS = (
    DashboardPanel(order=20, template="accounts/dashboard/pending_applications.html", data=_pending_applications),
)
