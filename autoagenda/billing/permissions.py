"""Who may see invoices and act on them (the primitives are accounts/permissions.py's).

- Staff of a location (admins: every location) see its invoices and download their PDFs.
- Receptionists, managers and admins of the location record and void payments (API.md).
- Managers and admins of the location cancel an invoice (a credit note).
- A client sees their own invoices and PDFs; another client's, or another location's for staff, is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from autoagenda.accounts.models import Role
from autoagenda.accounts.permissions import (
    active_user,
    get_visible_or_404,
    is_staff_member,
    require,
    role_of,
    scope_to_staffed_locations,
)
from autoagenda.billing.models import Invoice, Payment
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import can_work_at

PAYMENT_ROLES = (Role.ADMIN, Role.MANAGER, Role.RECEPTIONIST)
CANCEL_ROLES = (Role.ADMIN, Role.MANAGER)


def invoices_visible_to(user: Any) -> QuerySet[Invoice]:
    u = active_user(user)
    if u is None:
        return Invoice.objects.none()
    if is_staff_member(u):
        return scope_to_staffed_locations(Invoice.objects.all(), u)
    if u.role == Role.CLIENT:
        return Invoice.objects.filter(client=u)
    return Invoice.objects.none()


def can_record_payments(user: Any, location: Location) -> bool:
    return role_of(user) in PAYMENT_ROLES and can_work_at(user, location)


def can_cancel_invoices(user: Any, location: Location) -> bool:
    return role_of(user) in CANCEL_ROLES and can_work_at(user, location)


def can_list_location_invoices(user: Any) -> bool:
    """The staff's invoice list (clients have their own page)."""
    return is_staff_member(user)


def get_invoice_for_user(user: Any, pk: Any, *, pay: bool = False, cancel: bool = False) -> Invoice:
    """404 when `user` may not see it; 403 when paying (`pay`) or cancelling (`cancel`) is refused."""
    invoice = get_visible_or_404(invoices_visible_to(user).select_related("location", "client"), pk)
    if pay:
        require(can_record_payments(user, invoice.location))
    if cancel:
        require(can_cancel_invoices(user, invoice.location))
    return invoice


def get_payment_for_user(user: Any, invoice: Invoice, pk: Any) -> Payment:
    """A payment of an invoice the caller already fetched (404 for another invoice's payment)."""
    return get_visible_or_404(Payment.objects.filter(invoice=invoice).select_related("invoice__location"), pk)
