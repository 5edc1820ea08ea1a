"""Reads of deposits. `paid_deposit_for_appointment` is what billing credits on the final invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from autoagenda.deposits.models import Deposit, DepositStatus


@dataclass(frozen=True)
class PaidDeposit:
    amount: Decimal  # what was paid, in `currency` (the location's), with its decimals
    currency: str
    reference: str  # the provider's payment id (Stripe's PaymentIntent; the fake's event id)
    paid_at: datetime | None


def paid_deposit_for_appointment(appointment_id: int) -> PaidDeposit | None:
    """The deposit paid online for an appointment, or None (none asked, not paid, or paid too late).

    For billing: the final invoice of the appointment's work order records it as an `online` payment of this
    amount and reference. Only a `paid` deposit counts: one paid after its booking was released
    (`refund_due`) is money to give back, not a credit. One query.
    """
    deposit = (
        Deposit.objects.filter(appointment_id=appointment_id, status=DepositStatus.PAID)
        .only("paid_amount", "amount", "currency", "reference", "paid_at")
        .first()
    )
    if deposit is None:
        return None
    return PaidDeposit(
        amount=deposit.paid_amount if deposit.paid_amount is not None else deposit.amount,
        currency=deposit.currency,
        reference=deposit.reference,
        paid_at=deposit.paid_at,
    )


def deposits_by_appointment(appointment_ids: list[int]) -> dict[int, Deposit]:
    """The deposits of a page's appointments, by appointment id, in one query."""
    return {d.appointment_id: d for d in Deposit.objects.filter(appointment_id__in=appointment_ids)}
