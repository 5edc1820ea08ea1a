"""What work orders tell the apps above them: each event once, with its payload, inside the change's transaction;
a subscriber that fails refuses the whole change."""

from __future__ import annotations

from typing import Any

import pytest

from autoagenda.workorders import events, services
from autoagenda.workorders.models import StatusChange, WorkOrder, WorkOrderStatus
from tests.workorders.factories import LaborLineFactory


@pytest.fixture
def heard():
    seen: list[Any] = []
    subscribed = [
        (events.work_order_created, seen.append),
        (events.work_order_assigned, seen.append),
        (events.work_order_status_changed, seen.append),
        (events.estimate_sent, seen.append),
        (events.estimate_decided, seen.append),
    ]
    for event, subscriber in subscribed:
        event.subscribe(subscriber)
    yield seen
    for event, subscriber in subscribed:
        event.unsubscribe(subscriber)


def test_each_step_sends_its_event(cast, vehicle, clock, heard) -> None:
    work_order = services.work_order_create(
        actor=cast.receptionist, location=cast.location, vehicle=vehicle, description="x", mechanic=cast.mechanic
    )
    LaborLineFactory(work_order=work_order)
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.estimate_decide_all(token=token, decision="approved")
    names = [type(p).__name__ for p in heard]
    assert names == [
        "WorkOrderCreated",
        "WorkOrderAssigned",
        "WorkOrderStatusChanged",  # draft → estimate_sent
        "EstimateSent",
        "WorkOrderStatusChanged",  # estimate_sent → approved
        "EstimateDecided",
    ]
    assert heard[1].previous_mechanic_id is None
    assert (heard[2].from_status, heard[2].to_status) == ("draft", "estimate_sent")
    assert heard[3].url == f"/work-orders/estimate/{token}/"
    assert heard[5].declined == ()


def test_a_failing_subscriber_refuses_the_move(cast, work_order) -> None:
    def refuse(payload: Any) -> None:
        raise RuntimeError("inventory says no")

    events.work_order_status_changed.subscribe(refuse)
    try:
        with pytest.raises(RuntimeError):
            services.work_order_transition(
                actor=cast.manager, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS
            )
    finally:
        events.work_order_status_changed.unsubscribe(refuse)
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.DRAFT
    assert StatusChange.objects.filter(work_order=work_order).count() == 1  # only the creation's
