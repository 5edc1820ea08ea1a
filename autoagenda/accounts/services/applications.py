"""Professional applications: a client asks to work at a location, an admin decides."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autoagenda.accounts import events
from autoagenda.accounts.models import (
    ApplicationStatus,
    ProfessionalApplication,
    Role,
    StaffMembership,
    User,
)
from autoagenda.accounts.permissions import (
    application_locations,
    is_admin,
)
from autoagenda.accounts.services.base import (
    _deny,
)
from autoagenda.core.errors import ApplicationError


def professional_application_submit(*, user: User, location: Any, message: str = "") -> ProfessionalApplication:
    """A client asks to work as a professional at a location (a Location: accounts names it only through its
    relations); one open request at a time."""
    if user.role != Role.CLIENT:
        raise _deny(str(_("Only clients can apply to work as a professional.")))
    if not application_locations().filter(pk=location.pk).exists():
        raise ApplicationError.invalid("location", str(_("Choose an open location.")))
    conflict = ApplicationError("conflict", str(_("You already have an application waiting for a decision.")))
    with transaction.atomic():
        if ProfessionalApplication.objects.filter(user=user, status=ApplicationStatus.PENDING).exists():
            raise conflict
        try:
            with transaction.atomic():
                return ProfessionalApplication.objects.create(user=user, location=location, message=message.strip())
        except IntegrityError as exc:  # the partial unique constraint decides a race
            raise conflict from exc


def professional_application_decide(
    *, actor: User, application: ProfessionalApplication, approve: bool, note: str = ""
) -> ProfessionalApplication:
    """An admin approves (the client becomes a mechanic at that location) or rejects; the applicant is told
    (accounts.events.application_decided)."""
    if not is_admin(actor):
        raise _deny(str(_("Only an administrator decides applications.")))
    with transaction.atomic():
        locked = (
            ProfessionalApplication.objects.select_for_update()
            .select_related("user", "location")
            .get(pk=application.pk)
        )
        if locked.status != ApplicationStatus.PENDING:
            raise ApplicationError("invalid_transition", str(_("This application has already been decided.")))
        applicant = locked.user
        if approve and applicant.role != Role.CLIENT:
            raise ApplicationError("conflict", str(_("The applicant is no longer a client.")))
        locked.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            applicant.role = Role.MECHANIC
            applicant.save(update_fields=["role"])
            StaffMembership.objects.filter(user=applicant).delete()
            StaffMembership.objects.create(user=applicant, location=locked.location, role=Role.MECHANIC)
        # Notifications enqueues the applicant's email in this transaction (no mail server touched here).
        events.application_decided.send(events.ApplicationDecided(application=locked, approved=approve))
    return locked
