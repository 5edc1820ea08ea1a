"""Who may open each work-order page: every role of the cast × this location / the other one × anonymous.

The work order is at `cast.location`, for `cast.client`, assigned to `cast.mechanic`. Desk roles run it, the
assigned mechanic works on it, the client reads it; another location's staff and another client get 404 (403 where
the location itself is visible to them but not theirs to run); anonymous is sent to the login page (302).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from tests.matrix import ROLES, expect
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.factories import QueueFactory, TicketFactory
from tests.workorders.conftest import NOW
from tests.workorders.factories import LaborLineFactory

HIDDEN = {"outsider": 404, "other_manager": 404, "other_receptionist": 404, "other_mechanic": 404}


def table(default: int, anonymous: int = 302, **statuses: int) -> list[Any]:
    return expect({**dict.fromkeys(ROLES, default), **HIDDEN, "anonymous": anonymous, **statuses})


def check(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:300])
    if status == 302 and response.url.startswith("/accounts/login/"):
        return


READ = table(200)
WORK = table(302, client=403)  # a plain POST that succeeds redirects to the page
RUN = table(302, mechanic=403, client=403)
# A location's pages: the other staff do not see it (404); clients see active locations to book, so 403.
LOCATION_PAGE = table(200, mechanic=200, client=403, outsider=403)
LOCATION_DESK = table(200, mechanic=403, client=403, outsider=403)


def path(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(f"workorders:{name}", args=args or None, kwargs=kwargs or None)


@pytest.fixture
def wo(work_order: WorkOrder) -> WorkOrder:
    LaborLineFactory(work_order=work_order)
    return work_order


@pytest.mark.parametrize(("who", "status"), READ)
def test_the_work_order_page(cast, web, wo, who, status):
    check(web(cast.by_name(who)).get(path("detail", wo.pk)), status)


@pytest.mark.parametrize(("who", "status"), WORK)
def test_add_a_comment(cast, web, wo, who, status):
    response = web(cast.by_name(who)).post(path("comment", wo.pk), {"body": "Hola", "visibility": "internal"})
    check(response, status)
    assert wo.comments.exists() == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), WORK)
def test_add_a_labor_line(cast, web, wo, who, status):
    web(cast.by_name(who)).post(path("labor", wo.pk), {"description": "Extra", "hours": "1", "rate": "1000"})
    assert wo.labor_lines.filter(description="Extra").exists() == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), WORK)
def test_add_a_part_line(cast, web, wo, who, status):
    response = web(cast.by_name(who)).post(
        path("part", wo.pk), {"description": "F", "quantity": "1", "unit_price": "1"}
    )
    check(response, status)


@pytest.mark.parametrize(("who", "status"), WORK)
def test_start_the_work(cast, web, wo, who, status):
    response = web(cast.by_name(who)).post(path("status", wo.pk), {"status": "in_progress"})
    check(response, status)
    wo.refresh_from_db()
    assert (wo.status == WorkOrderStatus.IN_PROGRESS) == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), table(302, client=403, mechanic=403))
def test_cancel_is_for_the_desk(cast, web, wo, who, status):
    check(web(cast.by_name(who)).post(path("status", wo.pk), {"status": "cancelled"}), status)


@pytest.mark.parametrize(("who", "status"), WORK)
def test_the_clock(cast, web, wo, who, status):
    from autoagenda.workorders import services

    services.work_order_transition(actor=cast.receptionist, work_order=wo, status="in_progress")
    check(web(cast.by_name(who)).post(path("clock", wo.pk), {"action": "start"}), status)


@pytest.mark.parametrize(("who", "status"), RUN)
def test_assign(cast, web, wo, who, status):
    check(web(cast.by_name(who)).post(path("assign", wo.pk), {"mechanic": ""}), status)


@pytest.mark.parametrize(("who", "status"), RUN)
def test_send_the_estimate(cast, web, wo, who, status):
    check(web(cast.by_name(who)).post(path("estimate_send", wo.pk)), status)


@pytest.mark.parametrize(("who", "status"), table(400, mechanic=403, client=403))
def test_pickup_call(cast, web, wo, who, status):
    """No desk of the location named: the desk gets the refusal (400), the others never reach it."""
    check(web(cast.by_name(who)).post(path("pickup", wo.pk), {"desk": "999999"}), status)


@pytest.mark.parametrize(("who", "status"), LOCATION_PAGE)
def test_the_job_board(cast, web, wo, who, status):
    check(web(cast.by_name(who)).get(path("board", cast.location.pk)), status)


@pytest.mark.parametrize(("who", "status"), table(302, mechanic=302, client=403, outsider=403))
def test_a_move_on_the_job_board(cast, web, wo, who, status):
    url = path("board_move", cast.location.pk, wo.pk)
    check(web(cast.by_name(who)).post(url, {"status": "in_progress"}), status)


@pytest.mark.parametrize(("who", "status"), LOCATION_DESK)
def test_new_work_order_page(cast, web, who, status):
    check(web(cast.by_name(who)).get(path("new", cast.location.pk)), status)


@pytest.mark.parametrize(("who", "status"), LOCATION_DESK)
def test_client_search(cast, web, who, status):
    check(web(cast.by_name(who)).get(path("client_search", cast.location.pk), {"q": "ab"}), status)


@pytest.mark.parametrize(("who", "status"), table(302, mechanic=403, client=403, other_mechanic=404, outsider=404))
def test_from_an_appointment(cast, web, vehicle, who, status):
    appointment = AppointmentFactory(
        location=cast.location, client=cast.client, vehicle=vehicle, status="checked_in", start=NOW + timedelta(hours=1)
    )
    check(web(cast.by_name(who)).post(path("from_appointment", appointment.pk)), status)
    assert appointment.work_orders.exists() == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), table(200, mechanic=403, client=404))
def test_from_a_ticket(cast, web, who, status):
    ticket = TicketFactory(queue=QueueFactory(location=cast.location), location=cast.location, status="serving")
    check(web(cast.by_name(who)).get(path("from_ticket", ticket.pk)), status)


STAFF_OWN = expect(
    {
        "admin": 403,
        "manager": 200,
        "receptionist": 200,
        "mechanic": 200,
        "client": 403,
        "outsider": 403,
        "other_manager": 200,
        "other_receptionist": 200,
        "other_mechanic": 200,
        "anonymous": 302,
    }
)


@pytest.mark.parametrize(("who", "status"), STAFF_OWN)
def test_the_mechanic_board(cast, web, wo, who, status):
    response = web(cast.by_name(who)).get(path("mechanic"))
    check(response, status)
    if status == 200:
        assert (wo.number in response.content.decode()) == (who == "mechanic")


@pytest.mark.parametrize(("who", "status"), STAFF_OWN)
def test_the_mechanic_history(cast, web, wo, who, status):
    check(web(cast.by_name(who)).get(path("mechanic_history")), status)


@pytest.mark.parametrize(
    ("who", "status"), table(302, admin=403, client=403, manager=302, receptionist=302, outsider=403)
)
def test_a_tap_on_the_mechanic_board(cast, web, wo, who, status):
    check(web(cast.by_name(who)).post(path("mechanic_action", pk=wo.pk, action="start")), status)


@pytest.mark.parametrize(
    ("who", "status"),
    expect({**dict.fromkeys(ROLES, 403), "client": 200, "outsider": 200, "anonymous": 302}),
)
def test_the_clients_list(cast, web, wo, who, status):
    response = web(cast.by_name(who)).get(path("mine"))
    check(response, status)
    if status == 200:
        assert (wo.number in response.content.decode()) == (who == "client")


@pytest.mark.parametrize("who", ROLES)
def test_the_estimate_link_is_the_same_for_everyone(cast, web, wo, who):
    from autoagenda.workorders import services

    _version, token = services.estimate_send(actor=cast.receptionist, work_order=wo)
    assert web(cast.by_name(who)).get(services.estimate_url(token)).status_code == 200
    assert web(cast.by_name(who)).get(services.estimate_url("x" + token)).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    expect(
        {
            **dict.fromkeys(ROLES, 302),
            "client": 302,
            "outsider": 302,
            "other_manager": 302,
            "other_receptionist": 302,
            "other_mechanic": 302,
            "anonymous": 302,
        }
    ),
)
def test_the_index_sends_everyone_to_their_own_page(cast, web, who, status):
    response = web(cast.by_name(who)).get(path("index"))
    check(response, status)
