"""A deposit paid online at booking is credited on the work order's final invoice (billing reads deposits)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from autoagenda.billing.models import PaymentMethod, PaymentStatus
from autoagenda.deposits import services
from autoagenda.deposits.models import DepositStatus
from autoagenda.workorders.models import WorkOrderStatus
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory
from tests.deposits.helpers import fake_webhook

pytestmark = pytest.mark.django_db


def _work_order_of(deposit, *, price: str = "25000"):
    appointment = deposit.appointment
    vehicle = VehicleFactory(owner=appointment.client)
    work_order = work_order_with_lines(
        location=appointment.location, vehicle=vehicle, labor=(("Mantención", "1", price),), parts=()
    )
    work_order.appointment = appointment
    work_order.client = appointment.client
    work_order.save(update_fields=["appointment", "client"])
    return work_order


def _pay(deposit) -> None:
    payload, headers = fake_webhook(deposit)
    assert services.webhook_receive(provider="fake", payload=payload, headers=headers) == "confirmed"
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PAID


def test_the_paid_deposit_is_an_online_payment_of_the_final_invoice(cast, pending):
    _pay(pending)
    invoice = complete(_work_order_of(pending), cast.manager)
    payment = invoice.payments.get()
    assert (payment.method, payment.amount, payment.reference) == (
        PaymentMethod.ONLINE,
        Decimal("5000"),
        pending.reference,
    )
    assert payment.recorded_by is None
    invoice.refresh_from_db()
    assert invoice.total == Decimal("29750")  # 25 000 + 19 %
    assert (invoice.paid, invoice.status) == (Decimal("5000"), PaymentStatus.PARTIAL)


def test_a_deposit_larger_than_the_invoice_is_credited_up_to_its_total(cast, pending):
    _pay(pending)
    invoice = complete(_work_order_of(pending, price="2000"), cast.manager)
    invoice.refresh_from_db()
    assert (invoice.total, invoice.paid, invoice.status) == (Decimal("2380"), Decimal("2380"), PaymentStatus.PAID)


def test_an_unpaid_deposit_credits_nothing(cast, pending):
    invoice = complete(_work_order_of(pending), cast.manager)
    assert not invoice.payments.exists()
    assert invoice.status == PaymentStatus.UNPAID


def test_a_work_order_without_appointment_is_not_credited(cast, pending):
    _pay(pending)
    work_order = _work_order_of(pending)
    work_order.appointment = None
    work_order.save(update_fields=["appointment"])
    assert work_order.status == WorkOrderStatus.IN_PROGRESS
    assert not complete(work_order, cast.manager).payments.exists()
