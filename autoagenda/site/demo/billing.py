"""The demo's invoices: completing the demo's work orders issued them (billing subscribes to completion); here
the desk takes money for them like a workshop does — one paid in full, one in part, one not yet — and the manager
cancels one with a credit note. Only at a location whose invoices have no payments yet, so a second run leaves
what is there alone."""

from __future__ import annotations

from typing import Any

from autoagenda.accounts.models import Role
from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from autoagenda.core import money
from autoagenda.locations.models import Location
from autoagenda.site.demo import data as demo


def _staff(location_name: str, users: dict[str, Any], role: str) -> Any:
    return next((users[p.email] for p in demo.STAFF if p.location == location_name and p.role == role), None)


def load_invoices(location: Location, users: dict[str, Any]) -> int:
    """Payments and a cancellation for the location's invoices; answers how many invoices it touched."""
    invoices = list(Invoice.objects.filter(location=location).order_by("sequence"))
    if not invoices or Payment.objects.filter(invoice__location=location).exists():
        return 0
    receptionist = _staff(location.name, users, Role.RECEPTIONIST)
    manager = _staff(location.name, users, Role.MANAGER)
    if receptionist is None or manager is None:
        return 0
    plans = ("paid", "partial", "unpaid", "cancelled")
    for invoice, plan in zip(invoices, plans, strict=False):
        if plan == "paid":
            services.payment_record(
                actor=receptionist, invoice=invoice, amount=invoice.total, method="card", reference="Voucher 004512"
            )
        elif plan == "partial":
            half = money.quantize(invoice.total / 2, invoice.currency)
            services.payment_record(actor=receptionist, invoice=invoice, amount=half, method="cash")
        elif plan == "cancelled":
            services.invoice_cancel(
                actor=manager, invoice=invoice, reason="Emitida al cliente equivocado; se vuelve a facturar."
            )
    return min(len(invoices), len(plans))
