"""Every write on deposits: opening one with a booking, sending the client to pay, the provider's webhook, and
releasing the bookings whose deposit never came.

The webhook is idempotent: each provider event id is stored once (`deposits_depositevent_unique_event`) under
the deposit's row lock, so the same event delivered twice — or twice at once — records one payment. A payment
that arrives after its booking was released is recorded and flagged `refund_due` (the slot may be someone
else's by then), never lost; the staff refund it by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.core import money
from autoagenda.core.errors import ApplicationError
from autoagenda.deposits import events, providers
from autoagenda.deposits.models import Deposit, DepositEvent, DepositStatus
from autoagenda.deposits.permissions import require_pay_deposit
from autoagenda.scheduling import events as scheduling_events
from autoagenda.scheduling import services as scheduling
from autoagenda.scheduling.models import Appointment, AppointmentStatus

logger = logging.getLogger(__name__)

RELEASE_BATCH = 200


# --- Opening and closing with the booking -------------------------------------------------------------------


def deposit_open_for_booking(event: scheduling_events.AppointmentBooked) -> None:
    """A booking made `pending` for its deposit gets its Deposit: the amount the booking pages showed (the same
    rule, `scheduling.services.booking_deposit`), held for the location's hold time."""
    appointment = event.appointment
    if appointment.status != AppointmentStatus.PENDING:
        return
    amount = scheduling.booking_deposit(appointment.location, appointment.service)
    if amount is None:
        return
    location = appointment.location
    hold_until = min(
        timezone.now() + timedelta(minutes=location.deposit_hold_minutes),
        appointment.start,  # a booking starting sooner than the hold is decided by its start
    )
    Deposit.objects.create(
        appointment=appointment,
        location=location,
        amount=amount,
        currency=location.currency,
        provider=providers.get_provider().name,
        hold_until=hold_until,
    )


def deposit_close_for_cancelled(event: scheduling_events.AppointmentCancelled) -> None:
    """A booking cancelled before its deposit was paid (by the client, the desk or the release) stops waiting."""
    Deposit.objects.filter(appointment=event.appointment, status=DepositStatus.PENDING).update(
        status=DepositStatus.EXPIRED, updated_at=timezone.now()
    )


# --- Paying -------------------------------------------------------------------------------------------------


def deposit_checkout(*, actor: Any, deposit: Deposit, success_url: str, cancel_url: str) -> str:
    """Open a checkout with the provider for the client's own pending deposit; answers where to send them.

    A deposit no longer waiting (paid, or its booking released) is `invalid_transition`; a provider that does
    not answer is `payment_unavailable` (503), and nothing changes.
    """
    appointment = deposit.appointment
    require_pay_deposit(actor, appointment)
    now = timezone.now()
    if (
        deposit.status != DepositStatus.PENDING
        or appointment.status != AppointmentStatus.PENDING
        or deposit.hold_until <= now
    ):
        raise ApplicationError("invalid_transition", _("This deposit can no longer be paid."))
    provider = providers.get_provider(deposit.provider)
    try:
        checkout = provider.create_checkout(deposit=deposit, success_url=success_url, cancel_url=cancel_url)
    except providers.ProviderUnavailable as exc:
        logger.warning("deposit %s: checkout failed: %s", deposit.pk, exc)
        raise ApplicationError(
            "payment_unavailable", _("The payment service is not answering. Please try again in a moment.")
        ) from exc
    with transaction.atomic():
        Deposit.objects.filter(pk=deposit.pk).update(session_id=checkout.session_id, updated_at=timezone.now())
    deposit.session_id = checkout.session_id
    return checkout.url


# --- The provider's webhook ---------------------------------------------------------------------------------


def _find_deposit(provider: str, event: providers.WebhookEvent) -> Deposit | None:
    """Locked. By the reference we gave the checkout first (it survives a second session), else the session."""
    qs = Deposit.objects.select_for_update().filter(provider=provider)
    if event.deposit_id is not None:
        found = qs.filter(pk=event.deposit_id).first()
        if found is not None:
            return found
    if event.session_id:
        return qs.filter(session_id=event.session_id).first()
    return None


def _record_payment(deposit: Deposit, event: providers.WebhookEvent, now: datetime) -> str:
    appointment = Appointment.objects.select_related("location", "service", "client").get(pk=deposit.appointment_id)
    deposit.appointment = appointment
    if deposit.status in (DepositStatus.PAID, DepositStatus.REFUND_DUE):
        return "already_paid"  # another event of the same payment (completed, then async_payment_succeeded)
    amount = event.amount if event.amount is not None else deposit.amount
    deposit.paid_at = now
    deposit.paid_amount = money.quantize(amount, deposit.currency)
    deposit.reference = event.reference or event.event_id
    enough = event.currency in ("", deposit.currency) and deposit.paid_amount >= deposit.amount
    if deposit.status == DepositStatus.PENDING and appointment.status == AppointmentStatus.PENDING and enough:
        deposit.status = DepositStatus.PAID
        deposit.save(update_fields=["status", "paid_at", "paid_amount", "reference", "updated_at"])
        scheduling.appointment_confirm_pending(appointment=appointment, note=_("Deposit paid online"))
        events.deposit_paid.send(events.DepositPaid(deposit=deposit))
        return "confirmed"
    # Released meanwhile, or not the amount asked: the money is real, so keep it on record and flag it.
    deposit.status = DepositStatus.REFUND_DUE
    deposit.save(update_fields=["status", "paid_at", "paid_amount", "reference", "updated_at"])
    events.deposit_refund_due.send(events.DepositRefundDue(deposit=deposit))
    return "refund_due"


def webhook_receive(*, provider: str, payload: bytes, headers: Mapping[str, str]) -> str:
    """Verify and apply one webhook; answers what it did. A bad signature is 400 `invalid` and writes nothing.

    Idempotent: an event id already stored is answered `duplicate` and changes nothing.
    """
    try:
        adapter = providers.get_provider(provider)
    except LookupError:
        raise ApplicationError("not_found", _("Unknown payment provider.")) from None
    try:
        event = adapter.parse_webhook(payload=payload, headers=headers)
    except providers.InvalidSignature as exc:
        message = _("The webhook's signature is not valid.")
        raise ApplicationError("invalid", message, errors={"signature": [message]}) from exc
    if event.status == providers.IGNORED:
        return "ignored"
    now = timezone.now()
    try:
        with transaction.atomic():
            deposit = _find_deposit(adapter.name, event)
            if deposit is None:
                logger.warning("%s webhook %s: no deposit for session %s", provider, event.event_id, event.session_id)
                return "unknown_deposit"
            if DepositEvent.objects.filter(provider=adapter.name, event_id=event.event_id).exists():
                return "duplicate"
            outcome = _record_payment(deposit, event, now) if event.status == providers.PAID else event.status
            DepositEvent.objects.create(
                deposit=deposit,
                provider=adapter.name,
                event_id=event.event_id,
                kind=event.status,
                amount=event.amount,
                currency=event.currency,
                outcome=outcome,
            )
    except IntegrityError:
        # The same event committed by a concurrent delivery between our check and our insert: it counted once.
        if DepositEvent.objects.filter(provider=adapter.name, event_id=event.event_id).exists():
            return "duplicate"
        raise
    return outcome


# --- Releasing unpaid bookings ------------------------------------------------------------------------------


def release_unpaid(now: datetime) -> str:
    """The worker's sweep: every pending booking whose deposit's hold has passed is cancelled (slot released,
    history saying why) and its deposit expired. Safe to run twice; each booking in its own transaction."""
    due = list(
        Deposit.objects.filter(status=DepositStatus.PENDING, hold_until__lte=now)
        .order_by("hold_until", "pk")
        .values_list("pk", flat=True)[:RELEASE_BATCH]
    )
    released = 0
    for pk in due:
        with transaction.atomic():
            deposit = Deposit.objects.select_for_update().filter(pk=pk, status=DepositStatus.PENDING).first()
            if deposit is None:
                continue  # paid meanwhile
            appointment = Appointment.objects.select_related("location", "service", "client").get(
                pk=deposit.appointment_id
            )
            if appointment.status == AppointmentStatus.PENDING:
                scheduling.appointment_release_pending(
                    appointment=appointment, note=_("Released: the deposit was not paid in time")
                )
                released += 1
            # (the cancellation's subscriber expires the deposit; a booking no longer pending just stops waiting)
            Deposit.objects.filter(pk=pk, status=DepositStatus.PENDING).update(
                status=DepositStatus.EXPIRED, updated_at=timezone.now()
            )
    return f"{released} unpaid bookings released"
