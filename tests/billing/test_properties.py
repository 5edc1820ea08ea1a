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
