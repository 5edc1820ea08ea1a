"""Reads on people, always scoped through `permissions` to what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from autoagenda.accounts.models import ProfessionalApplication, StaffMembership, User
from autoagenda.accounts.permissions import applications_visible_to, staff_visible_to, users_visible_to


def _with_memberships(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.prefetch_related(
        Prefetch("memberships", queryset=StaffMembership.objects.select_related("location").order_by("location__name"))
    )


def _filtered(
    queryset: QuerySet[User], *, role: str | None = None, location: Any = None, q: str | None = None
) -> QuerySet[User]:
    if role:
        queryset = queryset.filter(role=role)
    if location:
        location_id = getattr(location, "pk", location)
        queryset = queryset.filter(id__in=StaffMembership.objects.filter(location_id=location_id).values("user_id"))
    for term in (q or "").split():
        queryset = queryset.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
        )
    return queryset.order_by("last_name", "first_name", "email")


def users_for_list(
    *, actor: User, role: str | None = None, location: Any = None, q: str | None = None
) -> QuerySet[User]:
    """The back-office user list: everyone the actor may see, each with their locations.

    Every word of `q` must match the name, email or phone.
    """
    return _with_memberships(_filtered(users_visible_to(actor), role=role, location=location, q=q))


def staff_for_list(
    *, actor: User, role: str | None = None, location: Any = None, q: str | None = None
) -> QuerySet[User]:
    return _with_memberships(_filtered(staff_visible_to(actor), role=role, location=location, q=q))


def location_ids_of(user: User) -> list[int]:
    """The user's locations by id, ascending; uses prefetched memberships when there are some."""
    return sorted(m.location_id for m in user.memberships.all())


def applications_for_list(*, actor: User, status: str | None = None) -> QuerySet[ProfessionalApplication]:
    queryset = applications_visible_to(actor).select_related("user", "location", "decided_by")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def application_latest_for(user: User) -> ProfessionalApplication | None:
    """The applicant's most recent request, to show where it stands."""
    return (
        ProfessionalApplication.objects.filter(user=user)
        .select_related("location", "decided_by")
        .order_by("-created_at", "-id")
        .first()
    )


def memberships_of(user: User) -> QuerySet[StaffMembership]:
    """Where the user works, by location name (their profile page)."""
    return user.memberships.select_related("location").order_by("location__name")
