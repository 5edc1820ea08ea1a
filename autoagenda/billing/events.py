"""What billing tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects").

Sent inside the service's transaction: notifications subscribes (the client gets the invoice with its PDF; the
client is told when it is paid in full).
"""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.accounts.models import User
from autoagenda.billing.models import CreditNote, Invoice, Payment
from autoagenda.core.events import Event


@dataclass(frozen=True)
class InvoiceIssued:
    invoice: Invoice
    actor: User | None


@dataclass(frozen=True)
class InvoicePaid:
    """The payments now cover the whole total (sent each time a payment completes it)."""

    invoice: Invoice
    payment: Payment


@dataclass(frozen=True)
class InvoiceCancelled:
    invoice: Invoice
    credit_note: CreditNote
    actor: User | None


invoice_issued: Event[InvoiceIssued] = Event("billing.invoice_issued")
invoice_paid: Event[InvoicePaid] = Event("billing.invoice_paid")
invoice_cancelled: Event[InvoiceCancelled] = Event("billing.invoice_cancelled")
