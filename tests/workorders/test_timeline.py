"""One line of time on the work-order page: ticket → work order → pickup call, status moves, comments, estimates;
and the mechanic's board in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

from autoagenda.walkins.models import TicketStatus
from autoagenda.workorders import selectors, services
from autoagenda.workorders.models import WorkOrderStatus
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory
from tests.workorders.factories import LaborLineFactory, PartLineFactory, WorkOrderFactory


def test_the_timeline_runs_from_the_ticket_to_the_pickup_call(cast, vehicle, clock) -> None:
    ticket = TicketFactory(
        queue=QueueFactory(location=cast.location), customer=cast.client, plate="BCDF12", status=TicketStatus.DONE
    )
    from autoagenda.walkins.models import TicketEvent

    TicketEvent.objects.create(ticket=ticket, location=cast.location, action="issued", at=ticket.issued_at)
    clock.shift(timedelta(minutes=5))
    work_order = services.work_order_create_from_ticket(actor=cast.receptionist, ticket=ticket, description="Frenos")
    LaborLineFactory(work_order=work_order)
    clock.shift(timedelta(minutes=5))
    services.estimate_send(actor=cast.receptionist, work_order=work_order)
    services.comment_add(actor=cast.receptionist, work_order=work_order, body="Interno")
    services.comment_add(actor=cast.receptionist, work_order=work_order, body="Para el cliente", visibility="client")
    clock.shift(timedelta(minutes=5))
    services.work_order_transition(actor=cast.receptionist, work_order=work_order, status=WorkOrderStatus.APPROVED)
    for status in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED):
        clock.shift(timedelta(minutes=5))
        services.work_order_transition(actor=cast.receptionist, work_order=work_order, status=status)
    clock.shift(timedelta(minutes=5))
    services.work_order_pickup_call(
        actor=cast.receptionist, work_order=work_order, desk=DeskFactory(location=cast.location)
    )
    kinds = [
        (e.kind, e.data.get("action") or e.data.get("to") or e.data.get("body"))
        for e in selectors.timeline(cast.manager, work_order)
    ]
    assert kinds[0] == ("ticket", "issued")
    assert kinds[-2:] == [("ticket", "ready"), ("ticket", "pickup_called")]
    assert ("estimate_sent", None) in kinds
    assert ("comment", "Interno") in kinds
    client_view = [(e.kind, e.data.get("body")) for e in selectors.timeline(cast.client, work_order)]
    assert ("comment", "Interno") not in client_view
    assert ("comment", "Para el cliente") in client_view
    assert all(kind != "ticket" for kind, _ in client_view)


def test_the_mechanic_s_board_is_theirs_by_promise_time_in_constant_queries(
    cast, vehicle, clock, django_assert_num_queries
) -> None:
    later = WorkOrderFactory(location=cast.location, vehicle=vehicle, mechanic=cast.mechanic, promised_by=clock_now(2))
    sooner = WorkOrderFactory(location=cast.location, vehicle=vehicle, mechanic=cast.mechanic, promised_by=clock_now(1))
    WorkOrderFactory(location=cast.location, vehicle=vehicle, mechanic=cast.mechanic, status=WorkOrderStatus.DELIVERED)
    WorkOrderFactory(location=cast.location, vehicle=vehicle)
    mechanic = type(cast.mechanic).objects.get(pk=cast.mechanic.pk)
    with django_assert_num_queries(3):  # the cards, their running clocks, their part lines
        board = selectors.mechanic_board(mechanic)
    assert [w.pk for w in board] == [sooner.pk, later.pk]
    for _ in range(6):
        PartLineFactory(work_order=WorkOrderFactory(location=cast.location, vehicle=vehicle, mechanic=cast.mechanic))
    with django_assert_num_queries(3):
        assert len(selectors.mechanic_board(mechanic)) == 8


def clock_now(hours: int):
    from django.utils import timezone

    return timezone.now() + timedelta(hours=hours)
