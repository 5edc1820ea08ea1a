"""What the queue, desk and ticket services share: limits, cleaning, history rows, the live event after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import live
from autoagenda.walkins.models import (
    Desk,
    Queue,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketStatus,
)

QUEUE_NAME_MAX = 80
DESK_NAME_MAX = 60
NAME_MAX = 120
PHONE_MAX = 32
PLATE_MAX = 16
# A claim that lost its row to another desk retries with the next one; more than this means something is wrong.
CLAIM_ATTEMPTS = 20


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _publish_after_commit(location_id: int, call: dict[str, Any] | None = None) -> None:
    transaction.on_commit(lambda: live.publish(location_id, call=call))


def _event(
    ticket: Ticket,
    action: str,
    *,
    actor: Any,
    at: datetime,
    desk: Desk | None = None,
    from_queue: Queue | None = None,
    to_queue: Queue | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        location_id=ticket.location_id,
        action=action,
        actor=_user(actor),
        desk=desk,
        from_queue=from_queue,
        to_queue=to_queue,
        at=at,
    )


def _invalid_transition(ticket: Ticket, action: str) -> ApplicationError:
    return ApplicationError(
        "invalid_transition",
        _("Ticket %(number)s is %(status)s: it cannot be %(action)s.")
        % {
            "number": ticket.code,
            "status": TicketStatus(ticket.status).label.lower(),
            "action": TicketAction(action).label.lower(),
        },
    )


def _raise_if_errors(errors: dict[str, list[str]], message: str) -> None:
    if errors:
        raise ApplicationError("invalid", message, errors=errors)


def _clean_name(value: Any, limit: int, errors: dict[str, list[str]], field: str = "name") -> str:
    name = str(value or "").strip()
    if not name:
        errors[field] = [_("This field is required.")]
    elif len(name) > limit:
        errors[field] = [_("Use at most %(limit)s characters.") % {"limit": limit}]
    return name


def _save_unique(obj: Queue | Desk, field: str, message: str) -> None:
    """Save in a savepoint: a concurrent writer that took the same prefix or name is a validation error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ApplicationError.invalid(field, message) from exc


def _clean_text(value: Any, limit: int, field: str, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors[field] = [_("Use at most %(limit)s characters.") % {"limit": limit}]
    return text
