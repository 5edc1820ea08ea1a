"""The shop floor: comments (internal or for the client) and the mechanics' clocks (time entries)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import require, role_of
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders.models import (
    Comment,
    CommentVisibility,
    TimeEntry,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import can_work_on, is_mechanic_of
from autoagenda.workorders.services.base import (
    COMMENT_MAX,
    changed,
    clean_text,
    lock,
    raise_if_errors,
    user_or_none,
)

RUNNING_CONSTRAINT = "workorders_timeentry_one_running_per_mechanic"


def comment_add(
    *, actor: Any, work_order: WorkOrder, body: str, visibility: str = CommentVisibility.INTERNAL
) -> Comment:
    """A note on the job; `client` comments are what the client reads (the answer to them until messaging)."""
    require(can_work_on(actor, work_order))
    errors: dict[str, list[str]] = {}
    body = clean_text(body, COMMENT_MAX, "body", errors, required=True)
    if visibility not in CommentVisibility.values:
        errors["visibility"] = [_("Choose internal or visible to the client.")]
    raise_if_errors(errors, _("The comment was not added."))
    with transaction.atomic():
        comment = Comment.objects.create(
            work_order=work_order, author=user_or_none(actor), body=body, visibility=visibility
        )
        changed(work_order, "comment")
    return comment


def _clock_owner(actor: Any, work_order: WorkOrder, mechanic: User | None) -> User:
    """A mechanic clocks themselves; the desk may clock for a mechanic of the location (default: the assigned one)."""
    if role_of(actor) == Role.MECHANIC:
        if mechanic is not None and mechanic.pk != actor.pk:
            raise ApplicationError.invalid("mechanic", _("You can only run your own clock."))
        return actor
    chosen = mechanic or work_order.mechanic or actor
    if not is_mechanic_of(chosen, work_order.location):
        raise ApplicationError.invalid("mechanic", _("Choose a mechanic who works at this location."))
    return chosen


def time_entry_start(*, actor: Any, work_order: WorkOrder, mechanic: User | None = None) -> TimeEntry:
    """Start a mechanic's clock on a job in progress; one running clock per mechanic and job (409 otherwise)."""
    require(can_work_on(actor, work_order))
    owner = _clock_owner(actor, work_order, mechanic)
    try:
        with transaction.atomic():
            current = lock(work_order)
            if current.status != WorkOrderStatus.IN_PROGRESS:
                raise ApplicationError("invalid_transition", _("Start the work order before starting the clock."))
            if TimeEntry.objects.filter(work_order=current, mechanic=owner, stopped_at__isnull=True).exists():
                raise ApplicationError("invalid_transition", _("The clock is already running."))
            entry = TimeEntry.objects.create(work_order=current, mechanic=owner, started_at=timezone.now())
            changed(current, "clock")
    except IntegrityError as exc:
        if RUNNING_CONSTRAINT in str(exc):
            raise ApplicationError("invalid_transition", _("The clock is already running.")) from None
        raise
    return entry


def time_entry_stop(*, actor: Any, work_order: WorkOrder, mechanic: User | None = None) -> TimeEntry:
    """Stop (pause) the mechanic's running clock on this job; none running is 409."""
    require(can_work_on(actor, work_order))
    owner = _clock_owner(actor, work_order, mechanic)
    with transaction.atomic():
        current = lock(work_order)
        entry = (
            TimeEntry.objects.select_for_update()
            .filter(work_order=current, mechanic=owner, stopped_at__isnull=True)
            .first()
        )
        if entry is None:
            raise ApplicationError("invalid_transition", _("The clock is not running."))
        entry.stopped_at = max(timezone.now(), entry.started_at)
        entry.save(update_fields=["stopped_at"])
        changed(current, "clock")
    return entry
