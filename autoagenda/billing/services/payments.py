"""Payments against an invoice: recorded, voided (never deleted), and the invoice's paid sum and status kept in step.

Every write locks the invoice row first, so two desks taking money for one invoice at once are serialised: the
second sees the first's payment in the balance and gets 409 `overpayment` if it no longer fits. `paid` is
recomputed from the non-voided payments in the same transaction, and the invoice's check constraints refuse a
status that does not follow it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import require
from autoagenda.billing import arithmetic, events
from autoagenda.billing.models import Invoice, Payment, PaymentMethod
from autoagenda.billing.permissions import can_record_payments
from autoagenda.core import money
from autoagenda.core.errors import ApplicationError

REFERENCE_MAX = 100
REASON_MAX = 500
MAX_AMOUNT = Decimal("999999999999")


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def clean_amount(amount: Any, currency: str) -> Decimal:
    """> 0, at most the currency's decimals (CLP none, EUR two)."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError.invalid("amount", _("Enter an amount.")) from None
    if not value.is_finite() or value <= 0:
        raise ApplicationError.invalid("amount", _("The amount must be more than zero."))
    if value > MAX_AMOUNT:
        raise ApplicationError.invalid("amount", _("The amount is too large."))
    if money.quantize(value, currency) != value:
        places = money.decimals(currency)
        message = _("Use at most %(places)s decimals for %(currency)s.") % {"places": places, "currency": currency}
        raise ApplicationError.invalid("amount", message)
    return money.quantize(value, currency)


def _refresh_paid(invoice: Invoice) -> None:
    """Sum the non-voided payments into the (locked) invoice row."""
    paid = Payment.objects.filter(invoice=invoice, voided_at__isnull=True).aggregate(s=Sum("amount"))["s"]
    invoice.paid = money.quantize(paid or 0, invoice.currency)
    invoice.status = arithmetic.payment_status(paid=invoice.paid, total=invoice.total)
    invoice.save(update_fields=["paid", "status"])


def _lock(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("location", "client").get(pk=invoice.pk)


def _record(
    *, invoice: Invoice, amount: Decimal, method: str, paid_on: dt.date, reference: str, actor: User | None
) -> Payment:
    """Inside the caller's transaction, on a locked invoice."""
    if invoice.cancelled_at is not None:
        raise ApplicationError("conflict", _("This invoice is cancelled; it takes no payments."))
    if amount > invoice.balance:
        balance = money.format_amount(invoice.balance, invoice.currency)
        raise ApplicationError(
            "overpayment",
            _("The amount is more than what is owed (%(balance)s %(currency)s).")
            % {"balance": balance, "currency": invoice.currency},
            errors={"amount": [_("At most %(balance)s.") % {"balance": balance}]},
        )
    was_paid = invoice.status == arithmetic.PAID
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        method=method,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _refresh_paid(invoice)
    if invoice.status == arithmetic.PAID and not was_paid:
        events.invoice_paid.send(events.InvoicePaid(invoice=invoice, payment=payment))
    return payment


def _clean_common(
    *, invoice: Invoice, amount: Any, method: Any, reference: Any, paid_on: Any
) -> tuple[Decimal, str, str, dt.date]:
    errors: dict[str, list[str]] = {}
    value = Decimal(0)
    try:
        value = clean_amount(amount, invoice.currency)
    except ApplicationError as exc:
        errors.update(exc.errors)
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose cash, card, transfer or online.")]
    reference = str(reference or "").strip()
    if len(reference) > REFERENCE_MAX:
        errors["reference"] = [_("Use at most %(max)s characters.") % {"max": REFERENCE_MAX}]
    today = timezone.localtime(timezone.now(), invoice.location.zone).date()
    if paid_on is None:
        paid_on = today
    elif not isinstance(paid_on, dt.date) or paid_on > today or paid_on.year < 2000:
        errors["paid_on"] = [_("Enter the date the money was received (not in the future).")]
    if errors:
        raise ApplicationError("invalid", _("The payment was not recorded."), errors=errors)
    return value, str(method), reference, paid_on


def payment_record(
    *,
    actor: Any,
    invoice: Invoice,
    amount: Any,
    method: str,
    reference: str = "",
    paid_on: dt.date | None = None,
) -> Payment:
    """Receptionists, managers and admins of the location; more than the balance is 409 `overpayment`."""
    require(can_record_payments(actor, invoice.location))
    value, method, reference, paid_on = _clean_common(
        invoice=invoice, amount=amount, method=method, reference=reference, paid_on=paid_on
    )
    with transaction.atomic():
        current = _lock(invoice)
        payment = _record(
            invoice=current, amount=value, method=method, paid_on=paid_on, reference=reference, actor=_user(actor)
        )
    invoice.paid, invoice.status = current.paid, current.status
    return payment


def payment_void(*, actor: Any, payment: Payment, reason: str) -> Payment:
    """Keep the payment, marked void with who, when and why; the invoice's balance grows back."""
    invoice = payment.invoice
    require(can_record_payments(actor, invoice.location))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.invalid("reason", _("Say why the payment is voided."))
    if len(reason) > REASON_MAX:
        raise ApplicationError.invalid("reason", _("Use at most %(max)s characters.") % {"max": REASON_MAX})
    with transaction.atomic():
        current = _lock(invoice)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.voided_at is not None:
            raise ApplicationError("conflict", _("This payment is already void."))
        locked.voided_at = timezone.now()
        locked.voided_by = _user(actor)
        locked.void_reason = reason
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        _refresh_paid(current)
    payment.voided_at, payment.voided_by, payment.void_reason = locked.voided_at, locked.voided_by, reason
    invoice.paid, invoice.status = current.paid, current.status
    return locked


def invoice_credit_deposit(
    *, invoice: Invoice, amount: Decimal, reference: str, paid_on: dt.date | None = None
) -> Payment | None:
    """Record a deposit paid online before the work (at booking) as an `online` payment on its invoice.

    `invoice_issue` calls it for the deposit paid when the work order's appointment was booked (deposits'
    `paid_deposit_for_appointment`), inside the issuing transaction.
    A deposit larger than the invoice is credited up to the total (the rest is the
    deposit provider's refund); nothing is recorded for a zero balance. No actor: the system records it.
    """
    with transaction.atomic():
        current = _lock(invoice)
        value = min(money.quantize(amount, current.currency), current.balance)
        if value <= 0 or current.cancelled_at is not None:
            return None
        today = timezone.localtime(timezone.now(), current.location.zone).date()
        payment = _record(
            invoice=current,
            amount=value,
            method=PaymentMethod.ONLINE,
            paid_on=paid_on or today,
            reference=str(reference)[:REFERENCE_MAX],
            actor=None,
        )
    invoice.paid, invoice.status = current.paid, current.status
    return payment
