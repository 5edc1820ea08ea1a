"""The desk's work: call next (priority first, then oldest), recall, start, finish, no-show, transfer, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.core.errors import ApplicationError
from autoagenda.walkins import selectors, services
from autoagenda.walkins.models import Desk, Ticket, TicketAction, TicketEvent, TicketStatus
from tests.walkins.conftest import NOW
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory

pytestmark = pytest.mark.usefixtures("clock")


def issue(cast, queue, clock=None, **kwargs):
    ticket = services.ticket_issue(actor=cast.receptionist, queue=queue, **kwargs)
    if clock is not None:
        clock.shift(timedelta(minutes=1))
    return ticket


def call(cast, desk, **kwargs):
    return services.ticket_call_next(actor=cast.mechanic, desk=desk, **kwargs)


def test_call_next_takes_the_oldest_waiting_ticket(cast, reception, desk, clock):
    first, second = issue(cast, reception, clock), issue(cast, reception, clock)
    called = call(cast, desk)
    assert called.pk == first.pk
    assert (called.status, called.desk_id, called.called_by_id) == (TicketStatus.CALLED, desk.pk, cast.mechanic.pk)
    assert called.called_at == datetime.now(tz=NOW.tzinfo)
    assert Ticket.objects.get(pk=second.pk).status == TicketStatus.WAITING


def test_checked_in_booked_clients_go_first_then_the_oldest(cast, reception, desk, clock):
    walk_in = issue(cast, reception, clock)
    booked = issue(cast, reception, clock, priority=True)
    booked_later = issue(cast, reception, clock, priority=True)
    order = [call(cast, desk).pk for _ in range(3)]
    assert order == [booked.pk, booked_later.pk, walk_in.pk]


def test_ties_on_the_issue_time_go_by_id(cast, reception, desk):
    a = TicketFactory(queue=reception, issued_at=NOW)
    b = TicketFactory(queue=reception, issued_at=NOW)
    assert [call(cast, desk).pk, call(cast, desk).pk] == [a.pk, b.pk]


def test_call_next_across_queues_takes_the_oldest_of_all(cast, reception, parts, desk, clock):
    older_parts = issue(cast, parts, clock)
    issue(cast, reception, clock)
    assert call(cast, desk).pk == older_parts.pk


def test_a_desk_with_queues_calls_only_from_them(cast, reception, parts, clock):
    parts_desk = DeskFactory(location=cast.location, name="Repuestos", queues=[parts])
    issue(cast, reception, clock)
    mine = issue(cast, parts, clock)
    assert call(cast, parts_desk).pk == mine.pk
    assert call(cast, parts_desk) is None


def test_call_next_may_be_limited_to_some_of_the_desks_queues(cast, reception, parts, desk, clock):
    issue(cast, reception, clock)
    mine = issue(cast, parts, clock)
    assert call(cast, desk, queues=[parts]).pk == mine.pk


def test_asking_for_a_queue_the_desk_does_not_serve_is_invalid(cast, reception, parts):
    parts_desk = DeskFactory(location=cast.location, queues=[parts])
    with pytest.raises(ApplicationError) as error:
        call(cast, parts_desk, queues=[reception])
    assert (error.value.code, list(error.value.errors)) == ("invalid", ["queues"])


def test_call_next_finishes_the_desks_current_ticket_first(cast, reception, desk, clock):
    first, second = issue(cast, reception, clock), issue(cast, reception, clock)
    call(cast, desk)
    clock.shift(timedelta(minutes=7))
    assert call(cast, desk).pk == second.pk
    first.refresh_from_db()
    assert first.status == TicketStatus.DONE
    assert first.finished_by_id == cast.mechanic.pk
    assert first.finished_at - first.called_at == timedelta(minutes=7)


def test_call_next_with_nobody_waiting_is_none_and_still_finishes_the_current_one(cast, reception, desk):
    only = issue(cast, reception)
    call(cast, desk)
    assert call(cast, desk) is None
    assert Ticket.objects.get(pk=only.pk).status == TicketStatus.DONE


def test_two_desks_never_get_the_same_ticket(cast, reception, desk):
    other_desk = DeskFactory(location=cast.location, name="Mesón 2")
    tickets = [issue(cast, reception) for _ in range(3)]
    got = [call(cast, desk).pk, call(cast, other_desk).pk]
    assert sorted(got) == [tickets[0].pk, tickets[1].pk]


def test_a_desk_holds_one_current_ticket_in_the_database_too(cast, reception, desk):
    from django.db import IntegrityError, transaction

    TicketFactory(queue=reception, status=TicketStatus.CALLED, desk=desk)
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketFactory(queue=reception, status=TicketStatus.SERVING, desk=desk)


def test_recall_counts_and_keeps_the_ticket_called(cast, reception, desk):
    issue(cast, reception)
    ticket = call(cast, desk)
    again = services.ticket_recall(actor=cast.receptionist, ticket=ticket)
    assert (again.status, again.recall_count) == (TicketStatus.CALLED, 1)
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketAction.RECALLED, desk=desk).count() == 1


def test_start_then_finish_records_times_and_who(cast, reception, desk, clock):
    issue(cast, reception)
    ticket = call(cast, desk)
    clock.shift(timedelta(minutes=2))
    services.ticket_start(actor=cast.mechanic, ticket=ticket)
    clock.shift(timedelta(minutes=12))
    done = services.ticket_finish(actor=cast.manager, ticket=ticket)
    assert done.status == TicketStatus.DONE
    assert done.finished_at - done.started_at == timedelta(minutes=12)
    assert done.started_at - done.called_at == timedelta(minutes=2)
    assert done.finished_by_id == cast.manager.pk
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == ["issued", "called", "started", "finished"]


def test_no_show_closes_a_called_ticket(cast, reception, desk):
    issue(cast, reception)
    ticket = services.ticket_no_show(actor=cast.mechanic, ticket=call(cast, desk))
    assert ticket.status == TicketStatus.NO_SHOW
    assert ticket.finished_at is not None


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("waiting", "recall"),
        ("waiting", "start"),
        ("waiting", "finish"),
        ("waiting", "no_show"),
        ("serving", "recall"),
        ("serving", "start"),
        ("serving", "no_show"),
        ("done", "finish"),
        ("done", "transfer"),
        ("done", "cancel"),
        ("no_show", "recall"),
        ("cancelled", "start"),
    ],
)
def test_moves_the_status_does_not_allow_are_invalid_transitions(cast, reception, parts, desk, status, action):
    ticket = TicketFactory(queue=reception, status=status, desk=desk if status == "serving" else None)
    kwargs = {"queue": parts} if action == "transfer" else {}
    with pytest.raises(ApplicationError) as error:
        getattr(services, f"ticket_{action}")(actor=cast.mechanic, ticket=ticket, **kwargs)
    assert error.value.code == "invalid_transition"
    assert error.value.status == 409
    assert Ticket.objects.get(pk=ticket.pk).status == status


def test_transfer_keeps_number_prefix_and_issue_time_and_waits_again(cast, reception, parts, desk, clock):
    older_parts = issue(cast, parts, clock)
    ticket = issue(cast, reception, clock)
    newer_parts = issue(cast, parts, clock)
    called = call(cast, desk, queues=[reception])
    assert called.pk == ticket.pk
    clock.shift(timedelta(minutes=5))
    moved = services.ticket_transfer(actor=cast.mechanic, ticket=called, queue=parts)
    moved.refresh_from_db()
    assert (moved.code, moved.prefix, moved.queue_id) == (ticket.code, "A", parts.pk)
    assert moved.issued_at == ticket.issued_at
    assert (moved.status, moved.desk_id, moved.called_at) == (TicketStatus.WAITING, None, None)
    # Its original issue time puts it between the parts tickets issued before and after it.
    assert [t.pk for t in selectors.waiting_in([parts.pk])] == [older_parts.pk, ticket.pk, newer_parts.pk]
    assert selectors.ticket_position(moved) == 2
    event = TicketEvent.objects.get(ticket=ticket, action=TicketAction.TRANSFERRED)
    assert (event.from_queue_id, event.to_queue_id, event.desk_id) == (reception.pk, parts.pk, desk.pk)


def test_transfer_to_another_locations_queue_is_invalid(cast, reception):
    ticket = issue(cast, reception)
    there = QueueFactory(location=cast.other_location)
    with pytest.raises(ApplicationError) as error:
        services.ticket_transfer(actor=cast.mechanic, ticket=ticket, queue=there)
    assert list(error.value.errors) == ["queue"]


def test_transfer_of_a_waiting_ticket_to_its_own_queue_is_invalid(cast, reception):
    ticket = issue(cast, reception)
    with pytest.raises(ApplicationError) as error:
        services.ticket_transfer(actor=cast.mechanic, ticket=ticket, queue=reception)
    assert error.value.code == "invalid"


def test_cancel_a_waiting_ticket(cast, reception):
    ticket = services.ticket_cancel(actor=cast.receptionist, ticket=issue(cast, reception))
    assert ticket.status == TicketStatus.CANCELLED


def test_issuing_into_a_closed_queue_is_a_conflict(cast, reception):
    services.queue_update(actor=cast.manager, queue=reception, is_active=False)
    with pytest.raises(ApplicationError) as error:
        issue(cast, reception)
    assert error.value.status == 409


def test_a_mechanic_may_not_issue_tickets_and_other_location_staff_may_not_call(cast, reception, desk):
    with pytest.raises(PermissionDenied):
        services.ticket_issue(actor=cast.mechanic, queue=reception)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(actor=cast.other_manager, desk=desk)


def test_issue_cleans_the_optional_details(cast, reception):
    ticket = issue(cast, reception, name="  Ana   Pérez ", phone=" +56 9 1234 5678 ", plate="bcdf12")
    assert (ticket.name, ticket.phone, ticket.plate) == ("Ana Pérez", "+56 9 1234 5678", "BCDF12")
    assert ticket.issued_by_id == cast.receptionist.pk


def test_too_long_details_are_invalid_and_issue_nothing(cast, reception):
    with pytest.raises(ApplicationError) as error:
        issue(cast, reception, name="x" * 121, plate="y" * 17)
    assert set(error.value.errors) == {"name", "plate"}
    assert not Ticket.objects.exists()


# --- Desks: sitting down and leaving ------------------------------------------------------


def test_opening_a_desk_seats_the_agent_and_moves_them_off_their_other_desk(cast, desk):
    other = DeskFactory(location=cast.location, name="Mesón 2")
    services.desk_open(actor=cast.mechanic, desk=desk)
    services.desk_open(actor=cast.mechanic, desk=other)
    assert Desk.objects.get(pk=desk.pk).agent_id is None
    assert Desk.objects.get(pk=other.pk).agent_id == cast.mechanic.pk
    assert selectors.desk_for_agent(cast.mechanic).pk == other.pk


def test_a_colleague_takes_over_an_open_desk_and_closing_empties_it(cast, desk):
    services.desk_open(actor=cast.mechanic, desk=desk)
    services.desk_open(actor=cast.receptionist, desk=desk)
    assert Desk.objects.get(pk=desk.pk).agent_id == cast.receptionist.pk
    closed = services.desk_close(actor=cast.mechanic, desk=desk)
    assert (closed.agent, closed.opened_at) == (None, None)


def test_queue_and_desk_names_and_letters_are_checked(cast, reception, desk):
    with pytest.raises(ApplicationError) as error:
        services.queue_create(actor=cast.manager, location=cast.location, name="", prefix="a")
    assert set(error.value.errors) == {"name", "prefix"}
    with pytest.raises(ApplicationError) as error:
        services.queue_create(actor=cast.manager, location=cast.location, name="Caja", prefix="1")
    assert set(error.value.errors) == {"prefix"}
    with pytest.raises(ApplicationError) as error:
        services.desk_create(actor=cast.manager, location=cast.location, name="Mesón 1")
    assert set(error.value.errors) == {"name"}
    there = QueueFactory(location=cast.other_location)
    with pytest.raises(ApplicationError) as error:
        services.desk_create(actor=cast.admin, location=cast.location, name="Mesón 9", queues=[there])
    assert set(error.value.errors) == {"queues"}
    caja = services.queue_create(actor=cast.manager, location=cast.location, name="Caja", prefix="c")
    assert caja.prefix == "C"
