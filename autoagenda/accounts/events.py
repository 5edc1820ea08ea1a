"""What the accounts app tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects")."""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.accounts.models import ProfessionalApplication
from autoagenda.core.events import Event


@dataclass(frozen=True)
class MembershipsChanged:
    """Where a person works, or in which role, changed (written with `update`/`bulk_create`: no signals)."""

    user_id: int


memberships_changed: Event[MembershipsChanged] = Event("accounts.memberships_changed")


@dataclass(frozen=True)
class ApplicationDecided:
    """An administrator approved or rejected a professional application (the applicant is told)."""

    application: ProfessionalApplication
    approved: bool


application_decided: Event[ApplicationDecided] = Event("accounts.application_decided")
