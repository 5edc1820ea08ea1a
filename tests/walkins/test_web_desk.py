"""The desk panel on the web: pick a desk, see who waits, call next, recall, start, finish, no-show, transfer.

Every action is an htmx POST that answers with the fresh panel, and also a
plain form POST that redirects (or answers 400 with the page and the reason).
Time is fixed at Tuesday 2026-12-01 10:00 in Santiago.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.walkins.models import Desk, Ticket, TicketEvent
from tests.walkins.conftest import NOW, STAFF_HERE, html_of, matrix
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory

HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def floor(cast, reception, parts, desk):
    """Two queues, a desk serving both and a desk for parts only."""
    parts_desk = DeskFactory(location=cast.location, name="Mesón 2", queues=[parts])
    return reception, parts, desk, parts_desk


def waiting(queue, minutes_ago: int, **extra) -> Ticket:
    return TicketFactory(queue=queue, issued_at=NOW - timedelta(minutes=minutes_ago), **extra)


def sit(desk: Desk, user) -> Desk:
    desk.agent = user
    desk.opened_at = NOW
    desk.save()
    return desk


OPERATORS = matrix(anonymous=302, **dict.fromkeys(STAFF_HERE, 200))


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), OPERATORS)
@pytest.mark.parametrize("page", ["desks-list", "panel"])
def test_the_desk_pages_open_for_any_staff_member_of_the_location(cast, web, floor, who, status, page):
    desk = floor[2]
    path = f"/queue/{cast.location.pk}/desks/" if page == "desks-list" else f"/queue/desks/{desk.pk}/"
    assert web(cast.by_name(who)).get(path).status_code == status


@pytest.mark.parametrize(("who", "status"), OPERATORS)
def test_any_staff_member_of_the_location_sits_at_a_desk_and_calls(cast, web, floor, who, status):
    reception, _parts, desk, _parts_desk = floor
    ticket = waiting(reception, 5)
    client = web(cast.by_name(who))

    opened = client.post(f"/queue/desks/{desk.pk}/open/")
    called = client.post(f"/queue/desks/{desk.pk}/call-next/")

    expected = 302 if status == 200 else status
    assert (opened.status_code, called.status_code) == (expected, expected)
    desk.refresh_from_db()
    ticket.refresh_from_db()
    if status == 200:
        assert desk.agent == cast.by_name(who)
        assert (ticket.status, ticket.desk) == ("called", desk)
    else:
        assert desk.agent is None
        assert ticket.status == "waiting"


@pytest.mark.parametrize(("who", "status"), OPERATORS)
@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show", "cancel", "transfer"])
def test_the_ticket_actions_answer_the_staff_of_the_location_only(cast, web, floor, who, status, action):
    reception, parts, desk, _parts_desk = floor
    ticket = waiting(reception, 5, status="called", desk=desk, called_at=NOW)
    response = web(cast.by_name(who)).post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/{action}/", {"queue": parts.pk})
    assert response.status_code == (302 if status == 200 else status)
    ticket.refresh_from_db()
    changed = ticket.status != "called" or ticket.recall_count or ticket.queue_id != reception.pk
    assert bool(changed) == (status == 200)


def test_another_locations_desk_and_ticket_are_not_found(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    foreign_desk = DeskFactory(location=cast.other_location, name="Mesón 1")
    foreign = waiting(QueueFactory(location=cast.other_location, prefix="A"), 3, status="called", desk=foreign_desk)
    client = web(cast.receptionist)
    assert client.get(f"/queue/desks/{foreign_desk.pk}/").status_code == 404
    assert client.post(f"/queue/desks/{foreign_desk.pk}/call-next/").status_code == 404
    assert client.post(f"/queue/desks/{desk.pk}/tickets/{foreign.pk}/finish/").status_code == 404
    assert client.post(f"/queue/desks/{desk.pk}/tickets/{reception.pk + 999}/finish/").status_code == 404
    assert client.post(f"/queue/desks/{desk.pk}/tickets/{foreign.pk}/explode/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "called"


def test_a_ticket_action_needs_a_post(cast, web, floor):
    desk = sit(floor[2], cast.mechanic)
    assert web(cast.mechanic).get(f"/queue/desks/{desk.pk}/call-next/").status_code == 405


# --- Picking a desk -----------------------------------------------------------------------------


def test_the_desk_list_shows_who_sits_where_and_offers_a_free_desk(cast, web, floor):
    _reception, _parts, _desk, parts_desk = floor
    sit(parts_desk, cast.receptionist)
    DeskFactory(location=cast.location, name="Vieja", is_active=False)
    html = html_of(web(cast.mechanic).get(f"/queue/{cast.location.pk}/desks/"))
    assert "Mesón 1" in html
    assert "Mesón 2" in html
    assert "Vieja" not in html
    assert "Sit here" in html
    assert "Take over" in html  # a colleague's desk
    assert f"{cast.receptionist.get_full_name()} since 10:00" in html


def test_sitting_at_a_desk_leaves_the_previous_one_and_opens_the_panel(cast, web, floor):
    _reception, _parts, desk, parts_desk = floor
    sit(parts_desk, cast.mechanic)
    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/open/")
    assert response["Location"] == f"/queue/desks/{desk.pk}/"
    desk.refresh_from_db()
    parts_desk.refresh_from_db()
    assert (desk.agent, parts_desk.agent) == (cast.mechanic, None)


def test_leaving_the_desk_frees_it(cast, web, floor):
    desk = sit(floor[2], cast.mechanic)
    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/close/")
    assert response["Location"] == f"/queue/{cast.location.pk}/desks/"
    desk.refresh_from_db()
    assert desk.agent is None


def test_an_inactive_desk_cannot_be_taken_and_says_why(cast, web, floor):
    desk = floor[2]
    desk.is_active = False
    desk.save()
    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/open/", follow=True)
    assert "closed for good" in html_of(response)
    desk.refresh_from_db()
    assert desk.agent is None


# --- The panel ----------------------------------------------------------------------------------


def test_the_panel_lists_the_desks_queues_in_call_order_priority_first(cast, web, floor):
    reception, parts, desk, parts_desk = floor
    sit(desk, cast.mechanic)
    first = waiting(reception, 20, name="Ana Pizarro", plate="HXTZ55")
    booked = waiting(reception, 2, priority=True, name="Carla Fuentes")
    part = waiting(parts, 10)
    waiting(QueueFactory(location=cast.other_location, prefix="A"), 30, name="Forastero")

    html = html_of(web(cast.mechanic).get(f"/queue/desks/{desk.pk}/"))

    order = [html.index(f'data-ticket="{t.code}"') for t in (booked, first, part)]
    assert order == sorted(order)
    assert "Forastero" not in html
    assert "Ana Pizarro" in html
    assert "HXTZ55" in html
    assert "20 min" in html
    assert "Booked" in html
    assert "data-waiting-total>3<" in html
    # The parts desk sees only its queue.
    sit(parts_desk, cast.receptionist)
    parts_html = html_of(web(cast.receptionist).get(f"/queue/desks/{parts_desk.pk}/"))
    assert f'data-ticket="{part.code}"' in parts_html
    assert f'data-ticket="{first.code}"' not in parts_html


def test_the_panel_shows_the_shortcuts_on_its_buttons_and_connects_to_the_desk_socket(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    waiting(reception, 5, status="called", desk=desk, called_at=NOW)
    html = html_of(web(cast.mechanic).get(f"/queue/desks/{desk.pk}/"))
    for key in "nrsfx":
        assert f'data-shortcut="{key}"' in html
        assert f"<kbd>{key.upper()}</kbd>" in html
    assert f'data-ws="/ws/locations/{cast.location.pk}/desk/"' in html
    assert "walkins/desk.js" in html
    assert f'hx-get="/queue/desks/{desk.pk}/"' in html


def test_someone_not_at_the_desk_only_looks_and_is_offered_to_take_it(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.receptionist)
    waiting(reception, 5)
    html = html_of(web(cast.mechanic).get(f"/queue/desks/{desk.pk}/"))
    assert "is at this desk; you are only looking" in html
    assert "Take over" in html
    assert 'data-shortcut="n"' not in html


def test_the_panel_fragment_is_what_htmx_gets(cast, web, floor):
    desk = sit(floor[2], cast.mechanic)
    response = web(cast.mechanic).get(f"/queue/desks/{desk.pk}/", **HTMX)
    html = html_of(response)
    assert html.lstrip().startswith('<div id="wk-desk"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_panel_reads_a_fixed_number_of_queries_however_many_wait(cast, web, floor):
    reception, parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    waiting(reception, 5, status="called", desk=desk, called_at=NOW)
    client = web(cast.mechanic)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/queue/desks/{desk.pk}/", **HTMX).status_code == 200
        return len(queries)

    few = count()
    for minutes in range(1, 16):
        waiting(reception if minutes % 2 else parts, minutes)
    assert count() == few


# --- Calling and serving ----------------------------------------------------------------------------


def test_call_next_calls_the_oldest_and_htmx_gets_the_fresh_panel(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    oldest = waiting(reception, 20, name="Ana Pizarro")
    waiting(reception, 5)

    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/call-next/", **HTMX)

    assert response.status_code == 200
    html = html_of(response)
    assert f'data-current="{oldest.code}"' in html
    assert f"{oldest.code} called to Mesón 1." in html
    assert "Ana Pizarro" in html
    oldest.refresh_from_db()
    assert (oldest.status, oldest.desk, oldest.called_by) == ("called", desk, cast.mechanic)
    # The panel carries the sequence number it was read at: the desk socket's echo of this call is ignored.
    assert f'data-seq="{TicketEvent.objects.latest("id").pk}"' in html


def test_call_next_with_nobody_waiting_says_so(cast, web, floor):
    desk = sit(floor[2], cast.mechanic)
    html = html_of(web(cast.mechanic).post(f"/queue/desks/{desk.pk}/call-next/", **HTMX))
    assert "Nobody is waiting." in html


def test_call_next_finishes_the_current_ticket_first(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    current = waiting(reception, 30, status="serving", desk=desk, called_at=NOW, started_at=NOW)
    following = waiting(reception, 10)
    web(cast.mechanic).post(f"/queue/desks/{desk.pk}/call-next/", **HTMX)
    current.refresh_from_db()
    following.refresh_from_db()
    assert (current.status, following.status) == ("done", "called")


@pytest.mark.parametrize(
    ("start", "action", "status", "notice"),
    [
        ("called", "recall", "called", "called again to Mesón 1."),
        ("called", "start", "serving", "Serving "),
        ("serving", "finish", "done", " finished."),
        ("called", "no-show", "no_show", " marked as a no-show."),
        ("serving", "cancel", "cancelled", " cancelled."),
    ],
)
def test_each_action_moves_the_ticket_and_says_so(cast, web, floor, start, action, status, notice):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    ticket = waiting(reception, 5, status=start, desk=desk, called_at=NOW)
    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/{action}/", **HTMX)
    assert response.status_code == 200
    assert notice in html_of(response)
    ticket.refresh_from_db()
    assert ticket.status == status
    if action == "recall":
        assert ticket.recall_count == 1


def test_without_htmx_an_action_redirects_to_the_panel_with_the_message(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    ticket = waiting(reception, 5, status="called", desk=desk, called_at=NOW)
    client = web(cast.mechanic)
    response = client.post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/start/")
    assert response["Location"] == f"/queue/desks/{desk.pk}/"
    assert f"Serving {ticket.code}." in html_of(client.get(response["Location"]))


def test_a_move_the_ticket_cannot_make_is_refused_in_the_panel_and_changes_nothing(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    ticket = waiting(reception, 5, status="serving", desk=desk, called_at=NOW, started_at=NOW)
    client = web(cast.mechanic)

    htmx = client.post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/no-show/", **HTMX)
    plain = client.post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/recall/")

    assert htmx.status_code == 200
    assert 'class="alert alert--error' in html_of(htmx)
    assert plain.status_code == 400
    assert 'class="alert alert--error' in html_of(plain)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.recall_count) == ("serving", 0)


def test_the_buttons_a_status_does_not_allow_are_disabled(cast, web, floor):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    waiting(reception, 5, status="serving", desk=desk, called_at=NOW, started_at=NOW)
    html = html_of(web(cast.mechanic).get(f"/queue/desks/{desk.pk}/"))
    for key in "rsx":
        assert f'data-shortcut="{key}" aria-keyshortcuts="{key.upper()}" disabled' in html
    assert 'data-shortcut="f" aria-keyshortcuts="F">' in html


# --- Transfer -----------------------------------------------------------------------------------------


def test_a_transfer_sends_the_ticket_to_another_queue_keeping_its_number_and_time(cast, web, floor):
    reception, parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    ticket = waiting(reception, 25, status="called", desk=desk, called_at=NOW)
    issued = ticket.issued_at

    response = web(cast.mechanic).post(
        f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/transfer/", {"queue": parts.pk}, **HTMX
    )

    assert f"{ticket.code} sent to Repuestos." in html_of(response)
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.status, ticket.desk, ticket.code, ticket.issued_at) == (
        parts,
        "waiting",
        None,
        "A-001",
        issued,
    )


@pytest.mark.parametrize("target", ["none", "elsewhere", "inactive", "garbage"])
def test_a_transfer_to_no_valid_queue_is_refused_clearly_and_changes_nothing(cast, web, floor, target):
    reception, _parts, desk, _parts_desk = floor
    sit(desk, cast.mechanic)
    ticket = waiting(reception, 5, status="called", desk=desk, called_at=NOW)
    queue = {
        "none": "",
        "elsewhere": QueueFactory(location=cast.other_location, prefix="B").pk,
        "inactive": QueueFactory(location=cast.location, prefix="Z", is_active=False).pk,
        "garbage": "x",
    }[target]

    response = web(cast.mechanic).post(f"/queue/desks/{desk.pk}/tickets/{ticket.pk}/transfer/", {"queue": queue})

    assert response.status_code == 400
    expected = "Choose the queue to transfer the ticket to." if target == "none" else "Choose another queue"
    assert expected in html_of(response)
    ticket.refresh_from_db()
    assert (ticket.queue, ticket.status) == (reception, "called")
