"""The work-order API's shapes (API.md's fields exactly), filters and refusals (400/409 with the error body,
nothing written)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.workorders import services
from autoagenda.workorders.models import EstimateLineDecision, LaborLine, PartLine, WorkOrder, WorkOrderStatus
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.workorders.conftest import NOW
from tests.workorders.factories import LaborLineFactory, PartLineFactory, WorkOrderFactory


def _error(response: Any, status: int, code: str, fields: set[str] | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    if fields is not None:
        assert set(body["errors"]) == fields
    return body


def test_create_answers_201_with_the_work_order(cast, api, vehicle, clock) -> None:
    body = {"location": cast.location.pk, "vehicle": vehicle.pk, "description": "Frenos", "mechanic": cast.mechanic.pk}
    response = api(cast.receptionist).post("/api/v1/work-orders/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["status"], data["location"], data["vehicle"], data["mechanic"]) == (
        "OT-2026-00001",
        "draft",
        cast.location.pk,
        vehicle.pk,
        cast.mechanic.pk,
    )
    assert (data["client"], data["invoice"], data["labor"], data["parts"]) == (cast.client.pk, None, [], [])
    assert data["totals"] == {"labor": "0", "parts": "0", "subtotal": "0", "tax": "0", "total": "0"}
    assert data["created_at"] == "2026-12-01T10:00:00-03:00"
    assert data["history"] == [
        {"from_status": "", "to_status": "draft", "changed_by": cast.receptionist.pk, "changed_at": data["created_at"],
         "comment": ""}
    ]  # fmt: skip


def test_create_with_an_appointment_carries_it_over(cast, api, vehicle, clock) -> None:
    appointment = AppointmentFactory(
        location=cast.location, client=cast.client, vehicle=vehicle, mechanic=cast.mechanic,
        start=NOW + timedelta(hours=1), status=AppointmentStatus.CHECKED_IN,
    )  # fmt: skip
    body = {"location": cast.location.pk, "vehicle": vehicle.pk, "description": "x", "appointment": appointment.pk}
    data = api(cast.receptionist).post("/api/v1/work-orders/", body, format="json").json()
    assert (data["appointment"], data["service"], data["mechanic"]) == (
        appointment.pk,
        appointment.service_id,
        cast.mechanic.pk,
    )
    again = api(cast.receptionist).post("/api/v1/work-orders/", body, format="json")
    _error(again, 409, "conflict")


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"vehicle": 999999}, {"vehicle"}),
        ({"vehicle": "abc"}, {"vehicle"}),
        ({"mechanic": "other_mechanic"}, {"mechanic"}),
        ({"mechanic": "client"}, {"mechanic"}),
        ({"description": ""}, {"description"}),
        ({"mileage_in": -5}, {"mileage_in"}),
        ({"promised_by": "2026-12-02T10:00"}, {"promised_by"}),
    ],
)
def test_create_refuses_bad_input_with_400(cast, api, vehicle, clock, change, fields) -> None:
    body: dict[str, Any] = {"location": cast.location.pk, "vehicle": vehicle.pk, "description": "Frenos", **change}
    if isinstance(body.get("mechanic"), str):
        body["mechanic"] = getattr(cast, body["mechanic"]).pk
    _error(api(cast.receptionist).post("/api/v1/work-orders/", body, format="json"), 400, "invalid", fields)
    assert not WorkOrder.objects.exists()


def test_a_vehicle_of_another_client_than_the_appointment_s_is_400(cast, api, vehicle, clock) -> None:
    other = VehicleFactory(owner=cast.outsider)
    from tests.accounts.factories import ClientLocationFactory

    ClientLocationFactory(client=cast.outsider, location=cast.location)
    appointment = AppointmentFactory(location=cast.location, client=cast.client, start=NOW + timedelta(hours=1))
    body = {"location": cast.location.pk, "vehicle": other.pk, "description": "x", "appointment": appointment.pk}
    _error(api(cast.receptionist).post("/api/v1/work-orders/", body, format="json"), 400, "invalid", {"vehicle"})


def test_the_list_filters_by_status_mechanic_location_and_dates(cast, api, vehicle, clock) -> None:
    a = WorkOrderFactory(location=cast.location, vehicle=vehicle, status="draft", mechanic=cast.mechanic)
    b = WorkOrderFactory(location=cast.location, vehicle=vehicle, status="in_progress")
    c = WorkOrderFactory(location=cast.other_location, vehicle=vehicle, status="draft")
    WorkOrder.objects.filter(pk=b.pk).update(created_at=NOW - timedelta(days=3))
    client = api(cast.admin)

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/work-orders/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids("") == sorted([a.pk, b.pk, c.pk])
    assert ids("status=draft") == sorted([a.pk, c.pk])
    assert ids(f"mechanic={cast.mechanic.pk}") == [a.pk]
    assert ids(f"location={cast.location.pk}") == sorted([a.pk, b.pk])
    assert ids(f"location={cast.location.pk}&from=2026-12-01&to=2026-12-01") == [a.pk]
    assert ids(f"location={cast.location.pk}&to=2026-11-30") == [b.pk]
    assert ids("search=bcdf") == sorted([a.pk, b.pk, c.pk])
    for bad in ("status=finished", "from=2026-12-02&to=2026-12-01", "mechanic=0", "from=3000-01-01"):
        _error(client.get(f"/api/v1/work-orders/?{bad}"), 400, "invalid")


def test_the_list_runs_in_a_constant_number_of_queries(
    cast, api, vehicle, clock, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(cast.manager).get("/api/v1/work-orders/").status_code == 200
        return len(queries)

    for _ in range(2):
        LaborLineFactory(work_order=WorkOrderFactory(location=cast.location, vehicle=vehicle))
    few = count()
    for _ in range(8):
        PartLineFactory(work_order=WorkOrderFactory(location=cast.location, vehicle=vehicle))
    assert count() == few


def test_status_moves_and_refuses_with_409(cast, api, work_order) -> None:
    client = api(cast.mechanic)
    response = client.post(f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "in_progress"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    refused = api(cast.manager).post(
        f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "delivered"}, format="json"
    )
    _error(refused, 409, "invalid_transition")
    forbidden = client.post(f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "cancelled"}, format="json")
    _error(forbidden, 403, "permission_denied")  # a mechanic only starts and completes
    assert WorkOrder.objects.get(pk=work_order.pk).status == "in_progress"
    _error(client.post(f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "x"}, format="json"), 400, "invalid")


def test_labor_lines_answer_201_and_negative_amounts_400(cast, api, work_order) -> None:
    client = api(cast.mechanic)
    path = f"/api/v1/work-orders/{work_order.pk}/labor/"
    response = client.post(
        path, {"description": "Frenos", "hours": 1.5, "rate": "30000", "tax_rate": 19}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0, "key": ""} == {
        "id": 0, "key": "", "description": "Frenos", "hours": "1.50", "rate": "30000", "tax_rate": "19.00",
        "net": "45000", "tax": "8550", "total": "53550", "decision": "pending",
    }  # fmt: skip
    for bad in ({"hours": -1}, {"rate": "-3"}, {"hours": "1e400"}, {"tax_rate": 150}):
        body = {"description": "x", "hours": 1, "rate": 1, **bad}
        _error(client.post(path, body, format="json"), 400, "invalid")
    assert LaborLine.objects.count() == 1


def test_free_text_part_lines_take_a_description_and_an_unknown_product_is_400(cast, api, work_order) -> None:
    client = api(cast.receptionist)
    path = f"/api/v1/work-orders/{work_order.pk}/parts/"
    _error(client.post(path, {"product": 7, "quantity": "1"}, format="json"), 400, "invalid")
    body = client.post(path, {"product": 7, "description": "Aceite", "quantity": 1, "unit_price": 1}, format="json")
    assert "product" in _error(body, 400, "invalid")["errors"]
    response = client.post(path, {"description": "Aceite 5W30", "quantity": "4.5", "unit_price": "9000"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["product"], response.json()["quantity"], response.json()["net"]) == (None, "4.500", "40500")
    _error(client.post(path, {"description": "x", "quantity": "0", "unit_price": "1"}, format="json"), 400, "invalid")
    assert PartLine.objects.count() == 1


def test_comments_for_the_client_and_internal_ones(cast, api, work_order) -> None:
    path = f"/api/v1/work-orders/{work_order.pk}/comments/"
    api(cast.mechanic).post(path, {"body": "Interno"}, format="json")
    created = api(cast.mechanic).post(path, {"body": "Para ti", "visibility": "client"}, format="json")
    assert created.status_code == 201
    assert created.json()["visibility"] == "client"
    assert [c["body"] for c in api(cast.client).get(path).json()["results"]] == ["Para ti"]
    assert [c["body"] for c in api(cast.client).get(f"/api/v1/work-orders/{work_order.pk}/").json()["comments"]] == [
        "Para ti"
    ]
    assert len(api(cast.manager).get(path).json()["results"]) == 2


def test_the_clock_through_the_api(cast, api, work_order, clock) -> None:
    client = api(cast.mechanic)
    path = f"/api/v1/work-orders/{work_order.pk}/time-entries/"
    _error(client.post(path, {"action": "start"}, format="json"), 409, "invalid_transition")
    client.post(f"/api/v1/work-orders/{work_order.pk}/status/", {"status": "in_progress"}, format="json")
    started = client.post(path, {"action": "start"}, format="json")
    assert started.status_code == 201
    assert started.json()["is_running"] is True
    _error(client.post(path, {"action": "start"}, format="json"), 409, "invalid_transition")
    clock.shift(timedelta(minutes=3))  # within the access token's 5 minutes
    stopped = client.post(path, {"action": "stop"}, format="json")
    assert stopped.status_code == 200
    assert stopped.json()["stopped_at"] == "2026-12-01T10:03:00-03:00"
    assert api(cast.manager).get(f"/api/v1/work-orders/{work_order.pk}/").json()["clocked_hours"] == "0.05"
    _error(client.post(path, {"action": "lap"}, format="json"), 400, "invalid")


def test_assign_refuses_a_mechanic_of_another_location(cast, api, work_order) -> None:
    path = f"/api/v1/work-orders/{work_order.pk}/assign/"
    body = {"mechanic": cast.other_mechanic.pk}
    _error(api(cast.manager).post(path, body, format="json"), 400, "invalid", {"mechanic"})
    response = api(cast.manager).post(path, {"mechanic": None}, format="json")
    assert response.status_code == 200
    assert response.json()["mechanic"] is None


def test_patch_changes_the_header_and_refuses_a_closed_work_order(cast, api, work_order) -> None:
    path = f"/api/v1/work-orders/{work_order.pk}/"
    response = api(cast.manager).patch(
        path, {"notes": "Llaves", "promised_by": "2026-12-01T18:00:00-03:00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["notes"], response.json()["promised_by"]) == ("Llaves", "2026-12-01T18:00:00-03:00")
    WorkOrder.objects.filter(pk=work_order.pk).update(status=WorkOrderStatus.DELIVERED)
    _error(api(cast.manager).patch(path, {"notes": "x"}, format="json"), 409, "invalid_transition")


# --- The estimate link --------------------------------------------------------------------------------------------


@pytest.fixture
def sent(cast, api, work_order):
    LaborLineFactory(work_order=work_order)
    PartLineFactory(work_order=work_order)
    response = api(cast.receptionist).post(f"/api/v1/work-orders/{work_order.pk}/estimates/", {}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_sending_answers_the_version_and_its_link(cast, sent) -> None:
    assert sent["number"] == 1
    assert sent["url"].startswith("/work-orders/estimate/")
    assert [line["decision"] for line in sent["lines"]] == [None, None]


def test_the_client_decides_each_line_through_the_link(cast, api, work_order, sent) -> None:
    token = sent["url"].split("/")[-2]
    anonymous = api(None)
    page = anonymous.get(f"/api/v1/estimates/{token}/").json()
    assert (page["work_order_number"], page["plate"], page["total"]) == (work_order.number, "BCDF12", sent["total"])
    labor, part = (line["key"] for line in page["lines"])
    response = anonymous.post(
        f"/api/v1/estimates/{token}/decision/",
        {"decisions": {labor: "approved", part: "declined"}, "signer_name": "Ana Pérez"},
        format="json",
        HTTP_USER_AGENT="Phone/1.0",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 200, response.content
    assert [line["decision"] for line in response.json()["lines"]] == ["approved", "declined"]
    decision = EstimateLineDecision.objects.get(decision="declined")
    assert (decision.signer_name, decision.user_agent, decision.ip) == ("Ana Pérez", "Phone/1.0", "198.51.100.7")
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.APPROVED
    _error(anonymous.post(f"/api/v1/estimates/{token}/approve/", {}, format="json"), 409, "invalid_transition")


@pytest.mark.parametrize("how", ["tampered", "expired", "superseded"])
def test_a_dead_link_is_a_clear_400_and_changes_nothing(cast, api, work_order, sent, clock, how) -> None:
    token = sent["url"].split("/")[-2]
    if how == "tampered":
        token = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    elif how == "expired":
        clock.shift(services.ESTIMATE_LINK_MAX_AGE + timedelta(minutes=1))
    else:
        api(cast.receptionist).post(f"/api/v1/work-orders/{work_order.pk}/estimates/", {}, format="json")
    code = {"tampered": "link_invalid", "expired": "link_expired", "superseded": "link_superseded"}[how]
    anonymous = api(None)
    assert _error(anonymous.get(f"/api/v1/estimates/{token}/"), 400, code)["detail"]
    _error(anonymous.post(f"/api/v1/estimates/{token}/approve/", {}, format="json"), 400, code)
    assert not EstimateLineDecision.objects.exists()
    assert WorkOrder.objects.get(pk=work_order.pk).status == WorkOrderStatus.ESTIMATE_SENT


def test_a_stale_bearer_token_does_not_break_the_link(cast, api, sent) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    token = sent["url"].split("/")[-2]
    assert client.get(f"/api/v1/estimates/{token}/").status_code == 200


def test_the_pickup_call_needs_a_completed_walk_in(cast, api, work_order) -> None:
    from tests.walkins.factories import DeskFactory

    desk = DeskFactory(location=cast.location)
    response = api(cast.receptionist).post(
        f"/api/v1/work-orders/{work_order.pk}/pickup-call/", {"desk": desk.pk}, format="json"
    )
    _error(response, 409, "invalid_transition")
    other_desk = DeskFactory(location=cast.other_location)
    response = api(cast.receptionist).post(
        f"/api/v1/work-orders/{work_order.pk}/pickup-call/", {"desk": other_desk.pk}, format="json"
    )
    _error(response, 400, "invalid", {"desk"})
