"""Two processes complete work orders at once on PostgreSQL, competing for the last units of one product:
exactly as many completions succeed as the shelf allows, the others answer `insufficient_stock` and change
nothing; the invoices of the successful ones are numbered without a gap; the ledger equals the stock level.

Each process has its own connections and transactions (tests/billing/race_child.py); both wait for the same
"go" on stdin, so their completions overlap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autoagenda.accounts.models import Role
from autoagenda.billing.models import Invoice
from autoagenda.inventory import services as stock
from autoagenda.inventory.models import MoveKind, StockLevel, StockMove
from autoagenda.workorders.models import StatusChange, WorkOrder, WorkOrderStatus
from tests.accounts.factories import StaffFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import LocationFactory
from tests.walkins.asgi_server import ROOT, database_url
from tests.workorders.factories import PartLineFactory, WorkOrderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

UNITS = 5
PER_PROCESS = 5
CHILD = Path(__file__).with_name("race_child.py")


def _child(actor_id: int, orders: list[int]) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DATABASE_URL=database_url(), TESTING="1", DEBUG="1", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return subprocess.Popen(  # noqa: S603 (our own script, our own arguments)
        [sys.executable, str(CHILD), str(actor_id), *map(str, orders)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_completing_for_the_last_units_succeed_as_stock_allows_with_gap_free_invoices():
    location = LocationFactory(hours=[])
    manager = StaffFactory(role=Role.MANAGER, location=location)
    product = ProductFactory(locations=[location], reorder_level=0)
    stock.stock_receive(actor=manager, product=product, location=location, quantity=UNITS)
    orders = [WorkOrderFactory(location=location, status=WorkOrderStatus.IN_PROGRESS) for _ in range(2 * PER_PROCESS)]
    for order in orders:  # lines holding no reservation: each completion needs the shelf itself
        PartLineFactory(work_order=order, product=product, quantity=1, reserved=0)
    ids = [order.pk for order in orders]
    children = [_child(manager.pk, ids[0::2]), _child(manager.pk, ids[1::2])]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outcome: dict[str, str] = {}
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            outcome.update(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    completed = sorted(int(pk) for pk, result in outcome.items() if result == "completed")
    refused = [pk for pk, result in outcome.items() if result == "insufficient_stock"]
    assert (len(completed), len(refused)) == (UNITS, 2 * PER_PROCESS - UNITS), outcome
    assert sorted(WorkOrder.objects.filter(status=WorkOrderStatus.COMPLETED).values_list("pk", flat=True)) == completed
    assert StatusChange.objects.filter(to_status=WorkOrderStatus.COMPLETED).count() == UNITS
    used = sorted(StockMove.objects.filter(kind=MoveKind.USE).values_list("work_order_id", flat=True))
    assert used == completed
    level = StockLevel.objects.get(product=product, location=location)
    assert (level.quantity, level.reserved) == (0, 0)
    assert sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True)) == level.quantity
    invoices = Invoice.objects.filter(location=location).order_by("sequence")
    assert sorted(invoices.values_list("work_order_id", flat=True)) == completed
    assert list(invoices.values_list("sequence", flat=True)) == list(range(1, UNITS + 1))
    assert len(set(invoices.values_list("number", flat=True))) == UNITS
