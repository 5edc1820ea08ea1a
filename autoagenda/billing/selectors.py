"""Reads of billing, scoped to the caller (permissions.invoices_visible_to)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet

from autoagenda.billing.arithmetic import DocumentAmounts, document_amounts
from autoagenda.billing.models import CreditNote, Document, Invoice, InvoiceLine, Payment
from autoagenda.billing.permissions import invoices_visible_to
from autoagenda.locations.models import Location


def location_has_invoices(location: Location) -> bool:
    """Registered as a currency lock (locations.services.register_currency_lock)."""
    return Invoice.objects.filter(location=location).exists()


def invoices_for(
    user: Any,
    *,
    work_order: int | None = None,
    location: int | None = None,
    status: str | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
) -> QuerySet[Invoice]:
    queryset = invoices_visible_to(user).select_related("location", "credit_note")
    if work_order is not None:
        queryset = queryset.filter(work_order_id=work_order)
    if location is not None:
        queryset = queryset.filter(location_id=location)
    if status:
        queryset = queryset.filter(status=status)
    if issued_from is not None:
        queryset = queryset.filter(issued_on__gte=issued_from)
    if issued_to is not None:
        queryset = queryset.filter(issued_on__lte=issued_to)
    return queryset.prefetch_related("lines").order_by("-issued_at", "-id")


def invoice_detail(user: Any, pk: int) -> QuerySet[Invoice]:
    """One invoice with what its page, its PDF and the API show (the caller authorized it already)."""
    return (
        invoices_visible_to(user)
        .filter(pk=pk)
        .select_related("location", "client", "work_order", "credit_note", "cancelled_by")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
            Prefetch("payments", queryset=Payment.objects.select_related("recorded_by", "voided_by")),
            "credit_note__lines",
        )
    )


def amounts_of(document: Document) -> DocumentAmounts:
    """The tax table per rate (and the totals) of an invoice or credit note, from its stored lines."""
    lines = document.lines.all()  # type: ignore[attr-defined]
    return document_amounts((line.tax_rate, line.net, line.tax) for line in lines)


def credit_note_of(invoice: Invoice) -> CreditNote | None:
    try:
        return invoice.credit_note
    except CreditNote.DoesNotExist:
        return None


def invoice_ids_for_work_orders(work_order_ids: list[int]) -> dict[int, int]:
    return dict(Invoice.objects.filter(work_order_id__in=work_order_ids).values_list("work_order_id", "id"))


def invoice_with_lines(pk: int) -> Invoice:
    """One invoice with what its PDF prints (for the email, outside any user's request)."""
    return (
        Invoice.objects.select_related("location", "client", "credit_note")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")), "payments")
        .get(pk=pk)
    )
