"""Billing's messages: the client gets the invoice (email with its PDF, built when the email is sent, and the
in-app item) and is told when it is paid in full.

Subscribed in NotificationsConfig.ready() to billing/events.py; each runs in the billing transaction and only writes
outbox rows through `notification_enqueue`, so a refused completion or payment sends nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoagenda.billing import events, pdf
from autoagenda.billing.models import Invoice
from autoagenda.billing.selectors import invoice_with_lines
from autoagenda.core import money
from autoagenda.notifications.services import (
    Attachment,
    BuiltAttachment,
    notification_enqueue,
    register_attachment_builder,
)

PDF_BUILDER = "billing.invoice_pdf"
CHANNELS = ("email", "inapp")


def invoice_path(invoice: Invoice) -> str:
    return f"/invoices/{invoice.pk}/"


def build_invoice_pdf(params: Mapping[str, Any], language: str) -> Attachment:
    """The PDF as the invoice is when the email goes out (its payments so far), in the recipient's language."""
    invoice = invoice_with_lines(int(params["invoice"]))
    return Attachment(pdf.filename(invoice), pdf.invoice_pdf(invoice, language=language), "application/pdf")


def _context(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "work_order": invoice.work_order_number,
        "total": money.format_amount(invoice.total, invoice.currency),
        "currency": invoice.currency,
        "location_name": invoice.location.name,
        "url": invoice_path(invoice),
    }


def notify_client_invoice_issued(issued: events.InvoiceIssued) -> None:
    invoice = issued.invoice
    notification_enqueue(
        event_key=f"invoice:{invoice.pk}:issued",
        recipient=invoice.client,
        template="invoice_issued",
        context=_context(invoice),
        location=invoice.location,
        channels=CHANNELS,
        attachments=[BuiltAttachment(PDF_BUILDER, {"invoice": invoice.pk})],
    )


def notify_client_invoice_paid(paid: events.InvoicePaid) -> None:
    invoice = paid.invoice
    notification_enqueue(
        event_key=f"invoice:{invoice.pk}:paid:{paid.payment.pk}",
        recipient=invoice.client,
        template="invoice_paid",
        context=_context(invoice),
        location=invoice.location,
        channels=CHANNELS,
    )


def connect() -> None:
    register_attachment_builder(PDF_BUILDER, build_invoice_pdf)
    events.invoice_issued.subscribe(notify_client_invoice_issued)
    events.invoice_paid.subscribe(notify_client_invoice_paid)
