"""Races: real threads, real transactions, each with its own connection.

Invoice numbers come from a counter row locked with `select_for_update`: N completions at once at one location get
1..N with no gap and no repeat, and a completion refused inside its transaction gives its number back. Payments
lock the invoice row: two desks taking the whole balance at once record one payment, the other gets 409
`overpayment`. On PostgreSQL the row locks decide; on SQLite the IMMEDIATE transaction queues the writers (the
unmarked tests run on whichever database the run uses).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from autoagenda.accounts.models import ClientLinkSource
from autoagenda.billing import services
from autoagenda.billing.models import DocumentCounter, Invoice, Payment
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import services as workorder_services
from autoagenda.workorders.models import WorkOrderStatus
from tests.accounts.factories import ClientLocationFactory
from tests.billing.conftest import NOW
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory
from tests.races import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _completions(cast: Any, count: int) -> list[Callable[[], Any]]:
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    work_orders = [
        work_order_with_lines(location=cast.location, vehicle=VehicleFactory(owner=cast.client)) for _ in range(count)
    ]
    return [(lambda w=w: complete(w, cast.manager).sequence) for w in work_orders]


def _check_gap_free(cast: Any, expected: int) -> None:
    numbers = sorted(Invoice.objects.filter(location=cast.location).values_list("sequence", flat=True))
    assert numbers == list(range(1, expected + 1))
    assert DocumentCounter.objects.get(location=cast.location, series="F").last_number == expected


def test_concurrent_completions_get_consecutive_invoice_numbers(cast: Any) -> None:
    results = race(_completions(cast, 6), frozen_at=NOW)
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    _check_gap_free(cast, 6)


@pytest.mark.postgres
def test_on_postgresql_many_issues_at_once_leave_no_gap_even_when_some_are_refused(cast: Any) -> None:
    calls = _completions(cast, 12)
    # A third of the completions are refused after their number was drawn (a subscriber fails): they give it back.
    refused = {id(call) for call in calls[::3]}

    def guarded(call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            if id(call) not in refused:
                return call()
            from django.db import transaction

            with transaction.atomic():
                call()
                raise ApplicationError("conflict", "refused after numbering")

        return run

    results = race([guarded(call) for call in calls], frozen_at=NOW)
    assert not [r for r in results if isinstance(r, tuple) and r[0] == "crashed"], results
    assert sum(1 for r in results if r == ("refused", "conflict")) == 4
    _check_gap_free(cast, 8)


def test_two_payments_of_the_whole_balance_at_once_cannot_overpay(cast: Any) -> None:
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    with time_machine.travel(NOW, tick=False):
        invoice = complete(
            work_order_with_lines(location=cast.location, vehicle=VehicleFactory(owner=cast.client)), cast.manager
        )

    def pay(actor: Any) -> Any:
        return services.payment_record(actor=actor, invoice=invoice, amount=Decimal(83300), method="cash").amount

    results = race([lambda: pay(cast.receptionist), lambda: pay(cast.manager), lambda: pay(cast.admin)], frozen_at=NOW)
    assert sorted(map(str, results)) == sorted(["83300", *[str(("refused", "overpayment"))] * 2])
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.status) == (Decimal(83300), "paid")
    assert Payment.objects.filter(invoice=invoice).count() == 1


@pytest.mark.postgres
def test_on_postgresql_many_small_payments_at_once_stop_exactly_at_the_total(cast: Any) -> None:
    ClientLocationFactory(client=cast.client, location=cast.location, source=ClientLinkSource.BOOKING)
    with time_machine.travel(NOW, tick=False):
        work_order = work_order_with_lines(
            location=cast.location, vehicle=VehicleFactory(owner=cast.client), labor=(("Ajuste", "1", "10000"),),
            parts=(), tax_rate="0",
        )  # fmt: skip
        workorder_services.work_order_transition(
            actor=cast.manager, work_order=work_order, status=WorkOrderStatus.COMPLETED
        )
    invoice = Invoice.objects.get(work_order=work_order)
    calls = [
        (lambda: services.payment_record(actor=cast.receptionist, invoice=invoice, amount=3000, method="card").amount)
        for _ in range(8)
    ]
    results = race(calls, frozen_at=NOW)
    assert sum(1 for r in results if r == ("refused", "overpayment")) == 5
    invoice.refresh_from_db()
    assert invoice.paid == Decimal(9000)
    assert Payment.objects.filter(invoice=invoice).count() == 3
