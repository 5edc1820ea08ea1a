"""The boards' pages: a constant number of queries whatever the number of cards; the buttons the lower apps'
pages get through their slots (appointment panel, today's list, the desk's ticket)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autoagenda.customers.models import Vehicle
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
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


def test_the_job_board_marks_late_cards(cast, web, work_order, vehicle):
    services.work_order_update(actor=cast.receptionist, work_order=work_order, promised_by=NOW - timedelta(hours=1))
    html = web(cast.receptionist).get(reverse("workorders:board", args=[cast.location.pk])).content.decode()
    assert "wo-card--late" in html


def test_the_wall_screen_has_no_buttons(cast, web, work_order):
    url = reverse("workorders:board", args=[cast.location.pk])
    html = web(cast.receptionist).get(url, {"tv": "1"}).content.decode()
    assert f'data-card="{work_order.number}"' in html
    assert "data-move=" not in html


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
