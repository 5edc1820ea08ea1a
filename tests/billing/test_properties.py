"""Property tests: the totals are the sums of the rounded lines for any lines and rates; the status follows the sum."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from autoagenda.billing import arithmetic
from autoagenda.core import money

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(1_000_000), places=2)
rates = st.sampled_from([Decimal(0), Decimal(10), Decimal("10.5"), Decimal(19), Decimal(21), Decimal(100)])
lines = st.lists(st.tuples(quantities, prices, rates), max_size=25)


@given(lines=lines, currency=st.sampled_from(["CLP", "EUR", "USD"]))
def test_totals_equal_the_sum_of_the_lines(lines: list[tuple[Decimal, Decimal, Decimal]], currency: str) -> None:
    rounded = [(rate, arithmetic.line_amounts(q, p, rate, currency)) for q, p, rate in lines]
    amounts = arithmetic.document_amounts((rate, a.net, a.tax) for rate, a in rounded)
    assert amounts.subtotal == sum((a.net for _r, a in rounded), Decimal(0))
    assert amounts.tax == sum((a.tax for _r, a in rounded), Decimal(0))
    assert amounts.total == amounts.subtotal + amounts.tax == sum((a.total for _r, a in rounded), Decimal(0))
    assert sum((band.base for band in amounts.bands), Decimal(0)) == amounts.subtotal
    assert sum((band.tax for band in amounts.bands), Decimal(0)) == amounts.tax
    for _rate, line in rounded:
        assert money.quantize(line.net, currency) == line.net
        assert money.quantize(line.tax, currency) == line.tax


@given(total=prices, payments=st.lists(prices, max_size=8))
def test_the_status_follows_the_sum(total: Decimal, payments: list[Decimal]) -> None:
    paid = sum(payments, Decimal(0))
    status = arithmetic.payment_status(paid=paid, total=total)
    if paid >= total:
        assert status == "paid"
    elif paid > 0:
        assert status == "partial"
    else:
        assert status == "unpaid"


# --- The same on the database: any sequence of payments and voids keeps `paid` and `status` on the sum ----------

import pytest  # noqa: E402
from django.db import transaction  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from autoagenda.billing import services  # noqa: E402
from autoagenda.billing.models import Payment  # noqa: E402
from autoagenda.core.errors import ApplicationError  # noqa: E402

steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), st.integers(min_value=1, max_value=90000)),
        st.tuples(st.just("void"), st.integers(0, 5)),
    ),
    max_size=10,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_any_payments_and_voids_keep_the_status_on_the_sum(cast, invoice, plan) -> None:
    with transaction.atomic():
        for action, value in plan:
            if action == "pay":
                invoice.refresh_from_db()
                if value > invoice.balance:
                    with pytest.raises(ApplicationError, match="more than what is owed"):
                        services.payment_record(actor=cast.receptionist, invoice=invoice, amount=value, method="cash")
                else:
                    services.payment_record(actor=cast.receptionist, invoice=invoice, amount=value, method="cash")
            else:
                live = list(Payment.objects.filter(invoice=invoice, voided_at__isnull=True))
                if live:
                    services.payment_void(actor=cast.manager, payment=live[value % len(live)], reason="x")
            invoice.refresh_from_db()
            paid = sum((p.amount for p in Payment.objects.filter(invoice=invoice, voided_at__isnull=True)), Decimal(0))
            assert invoice.paid == paid <= invoice.total
            assert invoice.status == arithmetic.payment_status(paid=paid, total=invoice.total)
        transaction.set_rollback(True)
