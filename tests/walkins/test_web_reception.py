"""The receptionist's screen on the web: one button per queue issues a ticket, then the printable ticket.

Time is fixed at Tuesday 2026-12-01 10:00 in Santiago.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from autoagenda.walkins.models import Ticket, TicketEvent
from tests.accounts.factories import StaffFactory
from tests.walkins.conftest import NOW, STAFF_HERE, html_of, matrix
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory

pytestmark = pytest.mark.usefixtures("clock")


def url(cast) -> str:
    return f"/queue/{cast.location.pk}/reception/"


# --- Who may issue ---------------------------------------------------------------------------

ISSUERS = matrix(anonymous=302, admin=200, manager=200, receptionist=200)


@pytest.mark.parametrize(("who", "status"), ISSUERS)
def test_the_reception_screen_opens_for_the_front_desk_of_the_location(cast, web, reception, parts, who, status):
    response = web(cast.by_name(who)).get(url(cast))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), ISSUERS)
def test_only_the_front_desk_of_the_location_issues_tickets(cast, web, reception, parts, who, status):
    response = web(cast.by_name(who)).post(url(cast), {"queue": reception.pk})
    assert response.status_code == (302 if status == 200 else status)
    assert Ticket.objects.count() == (1 if status == 200 else 0)


# --- The screen --------------------------------------------------------------------------------


def test_each_active_queue_is_a_big_button_with_its_waiting_count_and_estimate(cast, web, reception, parts):
    QueueFactory(location=cast.location, name="Lavado", prefix="L", is_active=False)
    QueueFactory(location=cast.other_location, name="Otra", prefix="O")
    for minutes in (30, 20):
        TicketFactory(queue=reception, issued_at=NOW - timedelta(minutes=minutes))
    DeskFactory(location=cast.location, name="Mesón 1", agent=cast.mechanic)

    html = html_of(web(cast.receptionist).get(url(cast)))

    assert html.count('class="wk-queue-btn ') == 2
    assert f'name="queue" value="{reception.pk}"' in html
    assert f'name="queue" value="{parts.pk}"' in html
    assert "Lavado" not in html
    assert "Otra" not in html
    # Two waiting × 10 minutes (no history yet) ÷ one open desk.
    assert "~20 min wait" in html
    assert "1 desk open" in html
    assert "no wait" in html  # Repuestos


def test_issuing_a_ticket_with_name_phone_and_plate_opens_the_ticket_to_print(cast, web, reception, parts):
    response = web(cast.receptionist).post(
        url(cast),
        {
            "queue": reception.pk,
            "name": "  Ana   Pizarro ",
            "phone": "+56 9 8765 4321",
            "plate": "kj-tr 21",
            "autoprint": "on",
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/queue/tickets/{ticket.pk}/?issued=1&print=1"
    assert (ticket.code, ticket.name, ticket.phone, ticket.plate) == (
        "A-001",
        "Ana Pizarro",
        "+56 9 8765 4321",
        "KJTR21",
    )
    assert ticket.issued_by == cast.receptionist
    assert TicketEvent.objects.filter(ticket=ticket, action="issued").exists()


def test_without_autoprint_the_ticket_opens_without_printing(cast, web, reception, parts):
    response = web(cast.receptionist).post(url(cast), {"queue": parts.pk})
    assert response["Location"].endswith("?issued=1")
    assert Ticket.objects.get().code == "R-001"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phone": "call me"}, "phone", "Enter a phone number with digits only"),
        ({"plate": "KJ/TR 21!"}, "plate", "Enter the plate with letters and digits only"),
        ({"name": "x" * 121}, "name", "Ensure this value has at most 120 characters"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_issues_nothing(cast, web, reception, parts, data, field, message):
    response = web(cast.receptionist).post(url(cast), {"queue": reception.pk, **data})
    assert response.status_code == 400
    html = html_of(response)
    assert message in html
    assert f'class="field wk-who__{field} field--error"' in html
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("which", ["missing", "inactive", "elsewhere", "garbage"])
def test_a_queue_that_does_not_take_tickets_here_is_refused_with_a_clear_message(cast, web, reception, parts, which):
    inactive = QueueFactory(location=cast.location, prefix="Z", is_active=False)
    elsewhere = QueueFactory(location=cast.other_location, prefix="A")
    data = {"missing": {}, "inactive": {"queue": inactive.pk}, "elsewhere": {"queue": elsewhere.pk}}.get(
        which, {"queue": "abc"}
    )
    response = web(cast.receptionist).post(url(cast), data)
    assert response.status_code == 400
    html = html_of(response)
    assert (
        "Choose the queue for the ticket." if which == "missing" else "That queue does not take tickets here"
    ) in html
    assert Ticket.objects.count() == 0


def test_todays_tickets_are_listed_for_a_reprint(cast, web, reception, parts):
    ticket = TicketFactory(queue=reception, name="Carla", plate="KJTR21", issued_at=NOW - timedelta(minutes=3))
    TicketFactory(queue=reception, name="Ayer", issued_at=NOW - timedelta(days=1))
    html = html_of(web(cast.receptionist).get(url(cast)))
    assert f'href="/queue/tickets/{ticket.pk}/"' in html
    assert "Carla" in html
    assert "Ayer" not in html


def test_a_location_without_queues_says_so_and_a_manager_is_offered_to_create_one(cast, web):
    assert "Create the first queue" in html_of(web(cast.manager).get(url(cast)))
    html = html_of(web(cast.receptionist).get(url(cast)))
    assert "no active queues yet" in html
    assert "Create the first queue" not in html


# --- The printable ticket ----------------------------------------------------------------------

TICKET_READERS = matrix(anonymous=302, **dict.fromkeys(STAFF_HERE, 200))


@pytest.mark.parametrize(("who", "status"), TICKET_READERS)
def test_the_ticket_page_opens_for_the_staff_of_its_location(cast, web, reception, parts, who, status):
    ticket = TicketFactory(queue=reception)
    assert web(cast.by_name(who)).get(f"/queue/tickets/{ticket.pk}/").status_code == status


def test_the_ticket_shows_number_queue_location_time_people_ahead_and_estimated_wait(cast, web, reception, parts):
    front_desk = web(cast.receptionist)
    for _ in range(3):
        front_desk.post(url(cast), {"queue": reception.pk, "autoprint": "on"})
    ticket = Ticket.objects.get(number=3)

    html = html_of(web(cast.receptionist).get(f"/queue/tickets/{ticket.pk}/?issued=1&print=1"))

    assert "A-003" in html
    assert "Recepción de vehículos" in html
    assert cast.location.name in html
    assert "01/12/2026 10:00" in html  # local time
    assert "<dt>People ahead</dt><dd>2</dd>" in html
    assert "~20 min" in html  # 2 × 10 min, no desk open counts as one
    assert "data-autoprint" in html
    assert "walkins/ticket.css" in html  # the 80 mm @page rules load on this page only
    assert "Ticket <strong>A-003</strong> issued" in html


def test_the_first_in_line_is_told_they_are_next_and_a_called_ticket_shows_its_status(cast, web, reception, parts):
    ticket = TicketFactory(queue=reception)
    html = html_of(web(cast.receptionist).get(f"/queue/tickets/{ticket.pk}/"))
    assert "You are next" in html
    assert "data-autoprint" not in html
    # Printing by hand this time: the next person's form keeps "print right away" off.
    assert f'href="/queue/{cast.location.pk}/reception/?autoprint=0"' in html
    checked = '<input type="checkbox" name="autoprint" id="id_autoprint" checked>'
    assert checked in html_of(web(cast.receptionist).get(f"/queue/{cast.location.pk}/reception/"))
    assert checked not in html_of(web(cast.receptionist).get(f"/queue/{cast.location.pk}/reception/?autoprint=0"))
    ticket.status = "called"
    ticket.save()
    html = html_of(web(cast.receptionist).get(f"/queue/tickets/{ticket.pk}/"))
    assert "People ahead" not in html
    assert "Called" in html


# --- Entry point ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "target"),
    [("receptionist", "reception"), ("manager", "reception"), ("mechanic", "desks")],
)
def test_the_nav_link_opens_reception_for_the_front_desk_and_the_desks_for_mechanics(cast, web, who, target):
    response = web(getattr(cast, who)).get("/queue/")
    assert response.status_code == 302
    assert response["Location"] == f"/queue/{cast.location.pk}/{target}/"


def test_the_nav_link_takes_an_agent_back_to_their_desk(cast, web):
    desk = DeskFactory(location=cast.location, agent=cast.receptionist)
    assert web(cast.receptionist).get("/queue/")["Location"] == f"/queue/desks/{desk.pk}/"


def test_the_location_switcher_keeps_the_tab_and_refuses_a_strangers_location(cast, web):
    cast.other_location.memberships.create(user=cast.manager, role="manager")
    client = web(cast.manager)
    assert client.get(f"/queue/?location={cast.other_location.pk}&tab=setup")["Location"] == (
        f"/queue/{cast.other_location.pk}/setup/"
    )
    assert client.get(f"/queue/?location={cast.other_location.pk}&tab=desks")["Location"] == (
        f"/queue/{cast.other_location.pk}/desks/"
    )
    assert web(cast.receptionist).get(f"/queue/?location={cast.other_location.pk}").status_code == 404
    assert web(cast.client).get("/queue/").status_code == 403


def test_staff_see_the_walk_ins_link_and_clients_do_not(cast, web):
    assert 'href="/queue/"' in html_of(web(cast.mechanic).get("/"))
    assert 'href="/queue/"' not in html_of(web(cast.client).get("/"))


def test_a_staff_member_without_locations_is_told_there_is_no_queue(db, web):
    loner = StaffFactory(role="receptionist", location=None)
    response = web(loner).get("/queue/")
    assert response.status_code == 200
    assert "there is no queue to run" in html_of(response)
