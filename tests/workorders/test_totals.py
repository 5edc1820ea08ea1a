"""The arithmetic of lines, for any amounts: each line rounds to the currency, tax per line, sums that add up."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from autoagenda.core import money
from autoagenda.workorders.totals import line_net, line_tax, totals_of

QUANTITIES = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False, allow_infinity=False)
PRICES = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
RATES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
LINE = st.tuples(QUANTITIES, PRICES, RATES)


def _pairs(lines: list[tuple[Decimal, Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    out = []
    for quantity, price, rate in lines:
        net = line_net(quantity, price)
        out.append((net, line_tax(net, rate)))
    return out


@given(st.lists(LINE, max_size=8), st.lists(LINE, max_size=8))
def test_totals_add_up_for_any_lines(labor, parts) -> None:
    labor_pairs, part_pairs = _pairs(labor), _pairs(parts)
    totals = totals_of(labor_pairs, part_pairs)
    assert totals.subtotal == totals.labor + totals.parts
    assert totals.total == totals.subtotal + totals.tax
    assert totals.tax == sum((t for _n, t in labor_pairs + part_pairs), Decimal(0))
    assert min(totals.labor, totals.parts, totals.tax) >= 0
    for value in (totals.labor, totals.parts, totals.subtotal, totals.tax, totals.total):
        assert value == money.quantize(value)  # already in the currency's minor unit
    assert totals_of(list(reversed(labor_pairs)), part_pairs) == totals


@given(QUANTITIES, PRICES, RATES)
def test_a_line_s_tax_never_exceeds_its_net(quantity, price, rate) -> None:
    net = line_net(quantity, price)
    assert 0 <= line_tax(net, rate) <= net
