from __future__ import annotations

from typing import Any

from autoagenda.accounts import permissions
from autoagenda.accounts.models import ApplicationStatus, ProfessionalApplication, Role, User


def dashboard_for(user: User) -> dict[str, Any]:
    """What the home page shows each role; later apps add their panels here."""
    context: dict[str, Any] = {"role": user.role}
    if permissions.is_staff_member(user):
        context["locations"] = list(permissions.locations_staffed_by(user).order_by("name"))
    if user.role == Role.ADMIN:
        context["pending_applications"] = ProfessionalApplication.objects.filter(
            status=ApplicationStatus.PENDING
        ).count()
    if user.role == Role.CLIENT:
        context["vehicles"] = list(user.vehicles.all()[:5])
    return context
