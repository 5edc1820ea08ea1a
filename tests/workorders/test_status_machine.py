"""The status table of API.md, move by move: every allowed move writes one history row, every other is 409
`invalid_transition` and changes nothing (except completing a completed work order: a retry, answered as it is)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import services
from autoagenda.workorders.models import ALLOWED_TRANSITIONS, StatusChange, WorkOrder, WorkOrderStatus
from tests.workorders.factories import LaborLineFactory, WorkOrderFactory

S = WorkOrderStatus
API_TABLE = {
    (S.DRAFT, S.ESTIMATE_SENT),
    (S.DRAFT, S.IN_PROGRESS),
    (S.DRAFT, S.CANCELLED),
    (S.ESTIMATE_SENT, S.APPROVED),
    (S.ESTIMATE_SENT, S.CANCELLED),
    (S.APPROVED, S.IN_PROGRESS),
    (S.APPROVED, S.CANCELLED),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.COMPLETED, S.DELIVERED),
}
ALL_MOVES = list(itertools.product(list(S), list(S)))


def test_the_table_is_exactly_api_md_s() -> None:
    table = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert table == API_TABLE
    assert set(ALLOWED_TRANSITIONS) == set(S)


def _at(cast: Any, vehicle: Any, status: str) -> WorkOrder:
    work_order = WorkOrderFactory(location=cast.location, vehicle=vehicle, status=status, mechanic=cast.mechanic)
    LaborLineFactory(work_order=work_order)  # an estimate needs a line
    return work_order


@pytest.mark.parametrize(("start", "target"), [pytest.param(a, b, id=f"{a}->{b}") for a, b in ALL_MOVES])
def test_every_move_is_allowed_exactly_when_the_table_says(cast, vehicle, clock, start, target) -> None:
    work_order = _at(cast, vehicle, start)
    if (start, target) in API_TABLE:
        services.work_order_transition(actor=cast.manager, work_order=work_order, status=target, comment="ok")
        work_order.refresh_from_db()
        assert work_order.status == target
        change = StatusChange.objects.get(work_order=work_order)
        assert (change.from_status, change.to_status, change.changed_by, change.comment) == (
            start,
            target,
            cast.manager,
            "ok",
        )
    elif start == target == S.COMPLETED:  # a retry: nothing happens, nothing is refused
        services.work_order_transition(actor=cast.manager, work_order=work_order, status=target)
        work_order.refresh_from_db()
        assert work_order.status == start
        assert not StatusChange.objects.filter(work_order=work_order).exists()
    else:
        with pytest.raises(ApplicationError) as refused:
            services.work_order_transition(actor=cast.manager, work_order=work_order, status=target)
        assert refused.value.code == "invalid_transition"
        assert refused.value.status == 409
        work_order.refresh_from_db()
        assert work_order.status == start
        assert not StatusChange.objects.filter(work_order=work_order).exists()


def test_a_status_that_does_not_exist_is_400(cast, vehicle, clock) -> None:
    work_order = _at(cast, vehicle, S.DRAFT)
    with pytest.raises(ApplicationError) as refused:
        services.work_order_transition(actor=cast.manager, work_order=work_order, status="finished")
    assert (refused.value.code, list(refused.value.errors)) == ("invalid", ["status"])


def test_a_whole_life_leaves_one_history_row_per_step_with_its_times(cast, work_order, clock) -> None:
    LaborLineFactory(work_order=work_order)
    for status in (S.ESTIMATE_SENT, S.APPROVED, S.IN_PROGRESS, S.COMPLETED, S.DELIVERED):
        services.work_order_transition(actor=cast.receptionist, work_order=work_order, status=status)
    rows = list(StatusChange.objects.filter(work_order=work_order).values_list("from_status", "to_status"))
    assert rows == [
        ("", "draft"),
        ("draft", "estimate_sent"),
        ("estimate_sent", "approved"),
        ("approved", "in_progress"),
        ("in_progress", "completed"),
        ("completed", "delivered"),
    ]
    work_order.refresh_from_db()
    assert work_order.started_at
    assert work_order.completed_at
    assert work_order.delivered_at


@pytest.mark.parametrize("target", [S.IN_PROGRESS, S.COMPLETED])
def test_the_assigned_mechanic_starts_and_completes(cast, work_order, clock, target) -> None:
    if target == S.COMPLETED:
        services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=S.IN_PROGRESS)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=target)
    assert WorkOrder.objects.get(pk=work_order.pk).status == target


@pytest.mark.parametrize("target", [S.CANCELLED, S.ESTIMATE_SENT])
def test_a_mechanic_may_not_cancel_or_send_estimates(cast, work_order, clock, target) -> None:
    from django.core.exceptions import PermissionDenied

    LaborLineFactory(work_order=work_order)
    with pytest.raises(PermissionDenied):
        services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=target)
    assert WorkOrder.objects.get(pk=work_order.pk).status == S.DRAFT


def test_completing_stops_running_clocks(cast, work_order, clock) -> None:
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=S.IN_PROGRESS)
    entry = services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=S.COMPLETED)
    entry.refresh_from_db()
    assert entry.stopped_at is not None
