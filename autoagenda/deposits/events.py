"""What deposits tells the apps above it (notifications; billing credits a paid deposit)."""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.core.events import Event
from autoagenda.deposits.models import Deposit


@dataclass(frozen=True)
class DepositPaid:
    deposit: Deposit


@dataclass(frozen=True)
class DepositRefundDue:
    """A payment came after its booking was released: the money is recorded and must go back to the client."""

    deposit: Deposit


deposit_paid: Event[DepositPaid] = Event("deposits.deposit_paid")
deposit_refund_due: Event[DepositRefundDue] = Event("deposits.deposit_refund_due")
