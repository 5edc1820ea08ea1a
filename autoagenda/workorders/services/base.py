"""What the work-order services share: cleaning input, the locked counter, history rows, the live event."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.services import MAX_MILEAGE
from autoagenda.locations.models import Location
from autoagenda.workorders import live
from autoagenda.workorders.models import StatusChange, WorkOrder, WorkOrderCounter, WorkOrderStatus

DESCRIPTION_MAX = 2000
NOTES_MAX = 4000
COMMENT_MAX = 2000
LINE_DESCRIPTION_MAX = 300
HISTORY_COMMENT_MAX = 500
SIGNER_MAX = 120
# Upper bounds that fit the columns (and a workshop's reality).
MAX_HOURS = Decimal("9999.99")
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("9999999.999")


def user_or_none(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def raise_if_errors(errors: dict[str, list[str]], message: str) -> None:
    if errors:
        raise ApplicationError("invalid", message, errors=errors)


def clean_text(value: Any, limit: int, field: str, errors: dict[str, list[str]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(text) > limit:
        errors.setdefault(field, []).append(_("Use at most %(limit)s characters.") % {"limit": limit})
    return text


def clean_decimal(
    value: Any,
    field: str,
    errors: dict[str, list[str]],
    *,
    places: int,
    maximum: Decimal,
    positive: bool = False,
) -> Decimal:
    """A non-negative (or positive) decimal with at most `places` decimals; anything else is a field error."""
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return Decimal(0)
    if number < 0 or (positive and number == 0):
        message = _("Enter a number greater than zero.") if positive else _("Enter zero or more.")
        errors.setdefault(field, []).append(message)
    elif number > maximum:
        errors.setdefault(field, []).append(_("Enter at most %(max)s.") % {"max": maximum})
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        errors.setdefault(field, []).append(_("Use at most %(places)s decimals.") % {"places": places})
    return number


def clean_tax_rate(value: Any, errors: dict[str, list[str]]) -> Decimal:
    rate = clean_decimal(value, "tax_rate", errors, places=2, maximum=Decimal(100))
    return rate


def clean_aware(value: Any, field: str, errors: dict[str, list[str]]) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        errors.setdefault(field, []).append(_("Include the UTC offset, e.g. 2026-12-01T09:00:00-03:00."))
        return None
    return value


def check_mileage(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_MILEAGE:
        errors.setdefault("mileage_in", []).append(_("Enter the kilometres as a whole number of zero or more."))
        return None
    return value


def next_number(location: Location, year: int) -> int:
    """Take the (location, year) counter row under a row lock and advance it: gap-free, never twice."""
    WorkOrderCounter.objects.bulk_create([WorkOrderCounter(location=location, year=year)], ignore_conflicts=True)
    counter = WorkOrderCounter.objects.select_for_update().get(location=location, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def history(
    work_order: WorkOrder, *, from_status: str, actor: Any, comment: str = "", at: datetime | None = None
) -> None:
    StatusChange.objects.create(
        work_order=work_order,
        from_status=from_status,
        to_status=work_order.status,
        changed_by=user_or_none(actor),
        changed_at=at or timezone.now(),
        comment=comment[:HISTORY_COMMENT_MAX],
    )


def lock(work_order: WorkOrder) -> WorkOrder:
    """The work order as it is now, locked for the rest of the transaction, with its location, client and vehicle.

    Its optional relations (mechanic, appointment, ticket) load when used: joining them too, as outer joins,
    cost PostgreSQL more to plan (about 1.5 ms) than the rest of the statement and is wasted where they are
    empty or unused."""
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("location", "client", "vehicle")
        .get(pk=work_order.pk)
    )


def invalid_transition(current: str, wanted: str) -> ApplicationError:
    return ApplicationError(
        "invalid_transition",
        _("A work order that is %(current)s cannot become %(wanted)s.")
        % {
            "current": WorkOrderStatus(current).label.lower(),
            "wanted": WorkOrderStatus(wanted).label.lower(),
        },
    )


def closed_error(work_order: WorkOrder) -> ApplicationError:
    return ApplicationError(
        "invalid_transition",
        _("Work order %(number)s is %(status)s: it cannot be changed.")
        % {"number": work_order.number, "status": WorkOrderStatus(work_order.status).label.lower()},
    )


def changed(work_order: WorkOrder, what: str) -> None:
    live.changed_on_commit(
        work_order.location_id,
        work_order=work_order.pk,
        status=work_order.status,
        number=work_order.number,
        what=what,
    )


def copy_back(target: WorkOrder, source: WorkOrder) -> WorkOrder:
    mechanic = WorkOrder._meta.get_field("mechanic")
    if mechanic.is_cached(source):
        target.mechanic = source.mechanic
    else:  # not loaded: its id (and a different one forgets the target's loaded mechanic)
        target.mechanic_id = source.mechanic_id
    for field in (
        "status",
        "description",
        "notes",
        "promised_by",
        "mileage_in",
        "status_changed_at",
        "started_at",
        "completed_at",
        "delivered_at",
        "updated_at",
    ):
        setattr(target, field, getattr(source, field))
    return target
