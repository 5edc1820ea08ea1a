"""Who may use each work-order endpoint: every role of the cast × this location / the other one × anonymous.

The work order is at `cast.location`, for `cast.client`, assigned to `cast.mechanic`. Desk roles (admin, manager,
receptionist) run it; the assigned mechanic works on it; the client reads it; the other location's staff and
another client get 404 (they must not learn it exists); anonymous 401. The estimate link is anonymous: the signed
token is the key, so every caller gets the same answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from autoagenda.walkins.models import TicketStatus
from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder, WorkOrderStatus
from tests.matrix import ROLES, expect
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory
from tests.workorders.factories import LaborLineFactory, PartLineFactory

HERE = ("admin", "manager", "receptionist", "mechanic", "client")
DESK = ("admin", "manager", "receptionist")
HIDDEN = {"outsider": 404, "other_manager": 404, "other_receptionist": 404, "other_mechanic": 404}


def table(default: int, anonymous: int = 401, **statuses: int) -> list[Any]:
    return expect({**dict.fromkeys(ROLES, default), **HIDDEN, "anonymous": anonymous, **statuses})


READ = table(200)
RUN = table(200, mechanic=403, client=403)
RUN_CREATE = table(201, mechanic=403, client=403)
WORK = table(200, client=403)
WORK_CREATE = table(201, client=403)
WORK_DELETE = table(204, client=403)
STAFF_READ = table(200, client=403)


def check(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(status)
    if code:
        assert response.json()["code"] == code


@pytest.fixture
def wo(cast, work_order) -> WorkOrder:
    LaborLineFactory(work_order=work_order)
    PartLineFactory(work_order=work_order)
    return work_order


def url(wo: WorkOrder, tail: str = "") -> str:
    return f"/api/v1/work-orders/{wo.pk}/{tail}"


def test_the_tables_name_every_role() -> None:
    assert all(len(t) == len(ROLES) for t in (READ, RUN, WORK, STAFF_READ))


@pytest.mark.parametrize(("who", "status"), table(200, **dict.fromkeys(HIDDEN, 200)))
def test_the_list_shows_each_caller_what_they_may_see(cast, api, wo, who, status) -> None:
    response = api(cast.by_name(who)).get("/api/v1/work-orders/")
    check(response, status)
    if status == 200:
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([wo.pk] if who in HERE else [])


@pytest.mark.parametrize(
    ("who", "status"),
    table(201, mechanic=403, client=403, **dict.fromkeys(HIDDEN, 400)),  # their body names an unseen vehicle
)
def test_create(cast, api, vehicle, clock, who, status) -> None:
    body = {"location": cast.location.pk, "vehicle": vehicle.pk, "description": "Cambio de aceite"}
    check(api(cast.by_name(who)).post("/api/v1/work-orders/", body, format="json"), status)


@pytest.mark.parametrize(("who", "status"), table(201, mechanic=403, **dict.fromkeys([*HIDDEN, "client"], 400)))
def test_create_from_a_ticket(cast, api, vehicle, clock, who, status) -> None:
    ticket = TicketFactory(queue=QueueFactory(location=cast.location), customer=cast.client, plate="BCDF12")
    body = {"ticket": ticket.pk, "description": "Frenos"}
    check(api(cast.by_name(who)).post("/api/v1/work-orders/from-ticket/", body, format="json"), status)


@pytest.mark.parametrize(("who", "status"), READ)
@pytest.mark.parametrize("tail", ["", "labor/", "parts/", "comments/", "estimates/"])
def test_read(cast, api, wo, who, status, tail) -> None:
    check(api(cast.by_name(who)).get(url(wo, tail)), status)


@pytest.mark.parametrize(("who", "status"), STAFF_READ)
def test_read_the_clock(cast, api, wo, who, status) -> None:
    check(api(cast.by_name(who)).get(url(wo, "time-entries/")), status)


@pytest.mark.parametrize(("who", "status"), RUN)
def test_patch(cast, api, wo, who, status) -> None:
    check(api(cast.by_name(who)).patch(url(wo), {"notes": "Llaves en el mesón"}, format="json"), status)


@pytest.mark.parametrize(("who", "status"), RUN)
def test_assign(cast, api, wo, who, status) -> None:
    check(api(cast.by_name(who)).post(url(wo, "assign/"), {"mechanic": cast.mechanic.pk}, format="json"), status)


@pytest.mark.parametrize(("who", "status"), WORK)
def test_start(cast, api, wo, who, status) -> None:
    check(api(cast.by_name(who)).post(url(wo, "status/"), {"status": "in_progress"}, format="json"), status)


@pytest.mark.parametrize(("who", "status"), RUN_CREATE)
def test_send_the_estimate(cast, api, wo, who, status) -> None:
    check(api(cast.by_name(who)).post(url(wo, "estimates/"), {}, format="json"), status)


@pytest.mark.parametrize(("who", "status"), WORK_CREATE)
@pytest.mark.parametrize(
    ("tail", "body"),
    [
        ("labor/", {"description": "Alineación", "hours": "1", "rate": "20000"}),
        ("parts/", {"description": "Filtro", "quantity": "1", "unit_price": "8000"}),
        ("comments/", {"body": "Listo mañana", "visibility": "client"}),
    ],
)
def test_add(cast, api, wo, who, status, tail, body) -> None:
    check(api(cast.by_name(who)).post(url(wo, tail), body, format="json"), status)


@pytest.mark.parametrize(("who", "status"), WORK)
@pytest.mark.parametrize("kind", ["labor", "parts"])
def test_change_a_line(cast, api, wo, who, status, kind) -> None:
    line = (wo.labor_lines if kind == "labor" else wo.part_lines).get()
    body = {"description": "Otra descripción"}
    check(api(cast.by_name(who)).patch(url(wo, f"{kind}/{line.pk}/"), body, format="json"), status)


@pytest.mark.parametrize(("who", "status"), WORK_DELETE)
@pytest.mark.parametrize("kind", ["labor", "parts"])
def test_delete_a_line(cast, api, wo, who, status, kind) -> None:
    line = (wo.labor_lines if kind == "labor" else wo.part_lines).get()
    check(api(cast.by_name(who)).delete(url(wo, f"{kind}/{line.pk}/")), status)


@pytest.mark.parametrize(("who", "status"), WORK_CREATE)
def test_start_the_clock(cast, api, wo, who, status) -> None:
    services.work_order_transition(actor=cast.admin, work_order=wo, status=WorkOrderStatus.IN_PROGRESS)
    check(api(cast.by_name(who)).post(url(wo, "time-entries/"), {"action": "start"}, format="json"), status)


@pytest.mark.parametrize(("who", "status"), WORK)
def test_call_back_for_pickup(cast, api, vehicle, clock, who, status) -> None:
    ticket = TicketFactory(
        queue=QueueFactory(location=cast.location), customer=cast.client, plate="BCDF12", status=TicketStatus.DONE
    )
    wo = services.work_order_create_from_ticket(
        actor=cast.admin, ticket=ticket, description="Frenos", mechanic=cast.mechanic
    )
    for step in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED):
        services.work_order_transition(actor=cast.admin, work_order=wo, status=step)
    desk = DeskFactory(location=cast.location)
    check(api(cast.by_name(who)).post(url(wo, "pickup-call/"), {"desk": desk.pk}, format="json"), status)


ANYONE = expect(dict.fromkeys(ROLES, 200))


@pytest.mark.parametrize(("who", "status"), ANYONE)
def test_the_estimate_link_is_the_key_for_anyone(cast, api, wo, who, status) -> None:
    _estimate, token = services.estimate_send(actor=cast.receptionist, work_order=wo)
    client = api(cast.by_name(who))
    check(client.get(f"/api/v1/estimates/{token}/"), status)
    check(client.post(f"/api/v1/estimates/{token}/approve/", {"signer_name": "Ana"}, format="json"), status)
