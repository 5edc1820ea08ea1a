"""Cancelling an invoice keeps its number and issues a credit note from its own series, mirroring it negatively."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.billing import services
from autoagenda.billing.models import CreditNote, Invoice
from autoagenda.core.errors import ApplicationError
from tests.billing.factories import complete, work_order_with_lines


def test_cancelling_issues_a_numbered_credit_note_with_negative_lines(cast: Any, invoice: Invoice) -> None:
    note = services.invoice_cancel(actor=cast.manager, invoice=invoice, reason="Cliente equivocado")
    invoice.refresh_from_db()
    assert invoice.number == "F-2026-000001"
    assert invoice.cancelled_by == cast.manager
    assert invoice.cancel_reason == "Cliente equivocado"
    assert note.number == "NC-2026-000001"
    assert (note.subtotal, note.tax, note.total) == (Decimal(-70000), Decimal(-13300), Decimal(-83300))
    assert [(line.description, line.net) for line in note.lines.order_by("position")] == [
        ("Cambio de pastillas", Decimal(-45000)),
        ("Pastillas de freno", Decimal(-25000)),
    ]


def test_credit_notes_have_their_own_series(cast: Any, vehicle: Any, invoice: Invoice) -> None:
    second = complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    services.invoice_cancel(actor=cast.admin, invoice=invoice, reason="a")
    note = services.invoice_cancel(actor=cast.admin, invoice=second, reason="b")
    assert second.number == "F-2026-000002"
    assert note.number == "NC-2026-000002"


def test_cancelling_twice_is_a_conflict(cast: Any, invoice: Invoice) -> None:
    services.invoice_cancel(actor=cast.manager, invoice=invoice, reason="a")
    with pytest.raises(ApplicationError) as refused:
        services.invoice_cancel(actor=cast.manager, invoice=invoice, reason="b")
    assert refused.value.status == 409
    assert CreditNote.objects.count() == 1


def test_a_reason_is_required(cast: Any, invoice: Invoice) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.invoice_cancel(actor=cast.manager, invoice=invoice, reason=" ")
    assert "reason" in refused.value.errors
    assert not CreditNote.objects.exists()


@pytest.mark.parametrize("who", ["receptionist", "mechanic", "client", "other_manager"])
def test_only_managers_and_admins_of_the_location_cancel(cast: Any, invoice: Invoice, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.invoice_cancel(actor=cast.by_name(who), invoice=invoice, reason="x")
    assert not CreditNote.objects.exists()
