"""The boards' pages: a constant number of queries whatever the number of cards; the buttons the lower apps'
pages get through their slots (appointment panel, today's list, the desk's ticket)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autoagenda.customers.models import Vehicle
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
from tests.conftest import TEST_LANGUAGE
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.workorders.conftest import NOW
from tests.workorders.factories import LaborLineFactory


def _more(cast, vehicle: Vehicle, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        wo = services.work_order_create(
            actor=cast.receptionist,
            location=cast.location,
            vehicle=VehicleFactory(owner=cast.client, plate=f"ZZ{i:04d}"),
            description=f"Trabajo {i}",
            mechanic=cast.mechanic,
            promised_by=NOW + timedelta(hours=i - 3),
        )
        LaborLineFactory(work_order=wo)
        if i % 2:
            services.work_order_transition(actor=cast.mechanic, work_order=wo, status="in_progress")
            services.time_entry_start(actor=cast.mechanic, work_order=wo)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("user", "name"), [("receptionist", "board"), ("mechanic", "mechanic")])
def test_the_boards_query_count_is_constant_in_the_cards(cast, web, work_order, vehicle, user, name):
    client = web(getattr(cast, user))
    url = reverse("workorders:board", args=[cast.location.pk]) if name == "board" else reverse("workorders:mechanic")
    _more(cast, vehicle, 2)
    few = _queries(client, url)
    _more(cast, vehicle, 10, start=2)
    many = _queries(client, url)
    assert WorkOrder.objects.count() == 13
    assert many == few, f"{name}: {few} queries with 3 cards, {many} with 13"
    assert few <= 14


def _board_with(cast, n: int) -> None:
    """`n` open work orders at the location, each its own client and vehicle, over the columns and mechanics."""
    from autoagenda.accounts.models import Role
    from tests.accounts.factories import StaffFactory
    from tests.workorders.factories import WorkOrderFactory

    second = StaffFactory(role=Role.MECHANIC, location=cast.location)
    statuses = ("draft", "estimate_sent", "approved", "in_progress", "completed")
    for i in range(WorkOrder.objects.count(), n):
        wo = WorkOrderFactory(
            location=cast.location,
            vehicle=VehicleFactory(plate=f"QQ{i:04d}"),
            status=statuses[i % len(statuses)],
            mechanic=(cast.mechanic, second, None)[i % 3],
            promised_by=NOW + timedelta(hours=i - 10),
        )
        LaborLineFactory(work_order=wo)


def test_the_job_board_renders_in_the_same_number_of_queries_with_5_and_40_cards(
    cast, web, clock, django_assert_num_queries
):
    client = web(cast.receptionist)
    url = reverse("workorders:board", args=[cast.location.pk])
    _board_with(cast, 5)
    few = _queries(client, url)
    _board_with(cast, 40)
    with django_assert_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count('<li class="wo-card') == 40


def test_the_job_board_cards_escape_what_people_typed(cast, web, clock):
    from tests.workorders.factories import WorkOrderFactory

    vehicle = VehicleFactory(owner=cast.client, plate="<b>X1</b>", make="Fiat & Co", model='"Uno"')
    cast.client.first_name = "<script>alert(1)</script>"
    cast.client.save()
    wo = WorkOrderFactory(location=cast.location, vehicle=vehicle, mechanic=cast.mechanic)
    html = web(cast.receptionist).get(reverse("workorders:board", args=[cast.location.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="plate">&lt;b&gt;X1&lt;/b&gt;</span> Fiat &amp; Co &quot;Uno&quot;' in html
    card = html.split(f'data-card="{wo.number}"', 1)[1].split("</li>", 1)[0]
    assert card.count("<form ") == card.count('name="csrfmiddlewaretoken"') == 1  # one form, one token
    assert card.count('name="status"') >= 2  # a button per move
    assert f'href="{reverse("workorders:detail", args=[wo.pk])}"' in card
    assert f'action="{reverse("workorders:board_move", args=[cast.location.pk, wo.pk])}"' in card


def test_a_card_moves_with_one_form_and_a_button_per_move(cast, work_order):
    """Without JavaScript the pressed button's status is the form's; the ✕ is the cancel (live.js confirms it)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, **TEST_LANGUAGE)
    client.force_login(cast.receptionist, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("workorders:board", args=[cast.location.pk])
    html = client.get(url).content.decode()
    card = html.split(f'data-card="{work_order.number}"', 1)[1].split("</li>", 1)[0]
    form = re.search(r'<form class="wo-card__moves" method="post" action="([^"]+)">(.*?)</form>', card)
    assert form is not None
    assert re.findall(r'<button name="status" value="([a-z_]+)"', form.group(2)) == [
        "estimate_sent",
        "in_progress",
        "cancelled",
    ]
    assert 'data-confirm-cancel="Cancel {number}?"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
    moved = client.post(form.group(1), {"status": "in_progress", "csrfmiddlewaretoken": token})
    assert moved.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == "in_progress"


def test_the_job_board_page_stays_small_per_card(cast, web, clock):
    """Every byte of a card is sent and read on every refresh of every desk: the whole page at 40 cards stays
    under 6 KiB of shell plus 900 bytes a card (the issue-12 board at 300 cards: about 240 KiB)."""
    _board_with(cast, 40)
    html = web(cast.receptionist).get(reverse("workorders:board", args=[cast.location.pk])).content
    assert html.count(b'<li class="wo-card') == 40
    assert len(html) < 6 * 1024 + 40 * 900, len(html)


def test_the_job_board_marks_late_cards(cast, web, work_order, vehicle):
    services.work_order_update(actor=cast.receptionist, work_order=work_order, promised_by=NOW - timedelta(hours=1))
    html = web(cast.receptionist).get(reverse("workorders:board", args=[cast.location.pk])).content.decode()
    assert "wo-card--late" in html


def test_the_wall_screen_has_no_buttons(cast, web, work_order):
    url = reverse("workorders:board", args=[cast.location.pk])
    html = web(cast.receptionist).get(url, {"tv": "1"}).content.decode()
    assert f'data-card="{work_order.number}"' in html
    assert 'class="wo-card__moves"' not in html


def test_the_appointment_panel_and_today_list_offer_the_work_order(cast, web, vehicle, clock):
    appointment = AppointmentFactory(
        location=cast.location, client=cast.client, vehicle=vehicle, status="checked_in", start=NOW + timedelta(hours=1)
    )
    client = web(cast.receptionist)
    panel = client.get(reverse("calendar:appointment", args=[appointment.pk])).content.decode()
    assert reverse("workorders:from_appointment", args=[appointment.pk]) in panel
    today = client.get(reverse("calendar:today", args=[cast.location.pk])).content.decode()
    assert reverse("workorders:from_appointment", args=[appointment.pk]) in today
    response = client.post(reverse("workorders:from_appointment", args=[appointment.pk]), HTTP_HX_REQUEST="true")
    wo = WorkOrder.objects.get(appointment=appointment)
    assert response["HX-Redirect"] == reverse("workorders:detail", args=[wo.pk])
    panel = client.get(reverse("calendar:appointment", args=[appointment.pk])).content.decode()
    assert f'data-work-order="{wo.number}"' in panel
    # The mechanic reads the panel, without the button to open one.
    other = AppointmentFactory(
        location=cast.location,
        client=cast.client,
        vehicle=vehicle,
        mechanic=cast.mechanic,
        start=NOW + timedelta(hours=3),
    )
    panel = web(cast.mechanic).get(reverse("calendar:appointment", args=[other.pk])).content.decode()
    assert "data-open-work-order" not in panel


def test_the_desk_ticket_offers_the_work_order_and_the_pickup_call(cast, web, vehicle, clock):
    from autoagenda.walkins import services as walkin_services
    from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory

    queue = QueueFactory(location=cast.location)
    desk = DeskFactory(location=cast.location, name="Mesón 2")
    walkin_services.desk_open(actor=cast.receptionist, desk=desk)
    TicketFactory(queue=queue, location=cast.location, plate="BCDF12", customer=cast.client)
    walkin_services.ticket_call_next(actor=cast.receptionist, desk=desk)
    client = web(cast.receptionist)
    html = client.get(reverse("walkins:desk", args=[desk.pk])).content.decode()
    assert "data-open-work-order" in html
