"""Payments: recorded by the desk, status derived from the non-voided sum, overpayment refused, voids kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from autoagenda.core.errors import ApplicationError
from autoagenda.notifications.models import Delivery


def _pay(invoice: Invoice, actor: Any, amount: str, method: str = "cash", **kw: Any) -> Payment:
    return services.payment_record(actor=actor, invoice=invoice, amount=Decimal(amount), method=method, **kw)


def test_a_partial_payment_makes_the_invoice_partly_paid(cast: Any, invoice: Invoice) -> None:
    payment = _pay(invoice, cast.receptionist, "30000", reference="Boleta 1")
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.status, invoice.balance) == (Decimal(30000), "partial", Decimal(53300))
    assert payment.recorded_by == cast.receptionist
    assert payment.paid_on == dt.date(2026, 12, 1)


def test_paying_the_balance_makes_it_paid_and_tells_the_client(cast: Any, invoice: Invoice) -> None:
    _pay(invoice, cast.receptionist, "30000")
    _pay(invoice, cast.manager, "53300", method="card")
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert Delivery.objects.filter(template="invoice_paid", recipient=cast.client, channel="email").count() == 1


def test_more_than_the_balance_is_an_overpayment_and_changes_nothing(cast: Any, invoice: Invoice) -> None:
    _pay(invoice, cast.receptionist, "80000")
    with pytest.raises(ApplicationError) as refused:
        _pay(invoice, cast.receptionist, "3301")
    assert refused.value.code == "overpayment"
    assert refused.value.status == 409
    invoice.refresh_from_db()
    assert invoice.paid == Decimal(80000)
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "100.5", "abc", "NaN", "Infinity"])
def test_bad_amounts_are_refused(cast: Any, invoice: Invoice, amount: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.payment_record(actor=cast.receptionist, invoice=invoice, amount=amount, method="cash")
    assert refused.value.code == "invalid"
    assert "amount" in refused.value.errors
    assert not Payment.objects.exists()


def test_an_unknown_method_and_a_future_date_are_refused(cast: Any, invoice: Invoice) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.payment_record(
            actor=cast.receptionist, invoice=invoice, amount="10", method="bitcoin", paid_on=dt.date(2026, 12, 2)
        )
    assert set(refused.value.errors) == {"method", "paid_on"}
    assert not Payment.objects.exists()


def test_a_mechanic_and_a_client_may_not_record_payments(cast: Any, invoice: Invoice) -> None:
    for actor in (cast.mechanic, cast.client, cast.other_receptionist):
        with pytest.raises(PermissionDenied):
            _pay(invoice, actor, "100")
    assert not Payment.objects.exists()


def test_voiding_keeps_the_payment_and_gives_the_balance_back(cast: Any, invoice: Invoice) -> None:
    payment = _pay(invoice, cast.receptionist, "83300")
    services.payment_void(actor=cast.manager, payment=payment, reason="Tarjeta rechazada")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.paid, invoice.status) == (Decimal(0), "unpaid")
    assert payment.voided_by == cast.manager
    assert payment.void_reason == "Tarjeta rechazada"
    assert Payment.objects.count() == 1


def test_a_void_needs_a_reason_and_happens_once(cast: Any, invoice: Invoice) -> None:
    payment = _pay(invoice, cast.receptionist, "1000")
    with pytest.raises(ApplicationError):
        services.payment_void(actor=cast.manager, payment=payment, reason="  ")
    services.payment_void(actor=cast.manager, payment=payment, reason="Error")
    with pytest.raises(ApplicationError) as again:
        services.payment_void(actor=cast.manager, payment=payment, reason="Error")
    assert again.value.status == 409


def test_eur_takes_cents_and_clp_does_not(cast: Any, invoice: Invoice) -> None:
    with pytest.raises(ApplicationError):
        _pay(invoice, cast.receptionist, "10.50")
    assert services.payment_record(actor=cast.receptionist, invoice=invoice, amount="10", method="cash").amount == 10


def test_a_paid_online_deposit_is_credited_as_an_online_payment(cast: Any, invoice: Invoice) -> None:
    payment = services.invoice_credit_deposit(invoice=invoice, amount=Decimal(20000), reference="cs_test_123")
    assert payment is not None
    assert (payment.method, payment.amount, payment.recorded_by) == ("online", Decimal(20000), None)
    invoice.refresh_from_db()
    assert invoice.status == "partial"


def test_a_deposit_larger_than_the_invoice_is_credited_up_to_its_total(cast: Any, invoice: Invoice) -> None:
    payment = services.invoice_credit_deposit(invoice=invoice, amount=Decimal(100000), reference="cs_big")
    assert payment is not None
    assert payment.amount == Decimal(83300)
    assert services.invoice_credit_deposit(invoice=invoice, amount=Decimal(1), reference="again") is None


def test_a_cancelled_invoice_takes_no_payments(cast: Any, invoice: Invoice) -> None:
    services.invoice_cancel(actor=cast.manager, invoice=invoice, reason="Datos del cliente erróneos")
    with pytest.raises(ApplicationError) as refused:
        _pay(invoice, cast.receptionist, "1000")
    assert refused.value.status == 409
    assert not Payment.objects.exists()
