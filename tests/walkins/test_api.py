"""The walk-in queue API, black-box over HTTP (API.md "Walk-in queue"), with its error bodies."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from autoagenda.walkins.models import Ticket
from tests.catalog.factories import ServiceFactory
from tests.walkins.conftest import NOW, SANTIAGO
from tests.walkins.factories import QueueFactory, TicketFactory, done_ticket

pytestmark = pytest.mark.usefixtures("clock")


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


# --- Queues and desks ------------------------------------------------------------------------


def test_a_manager_opens_a_queue(cast, api):
    service = ServiceFactory(locations=[cast.location])
    body = ok(
        api(cast.manager).post(
            f"/api/v1/locations/{cast.location.pk}/queues/",
            {"name": "Recepción de vehículos", "prefix": "A", "services": [service.pk]},
        ),
        201,
    )
    assert body == {
        "id": body["id"],
        "location": cast.location.pk,
        "name": "Recepción de vehículos",
        "prefix": "A",
        "services": [service.pk],
        "is_active": True,
        "position": 0,
    }


def test_a_queue_letter_must_be_one_free_letter(cast, api, reception):
    url = f"/api/v1/locations/{cast.location.pk}/queues/"
    body = error(api(cast.manager).post(url, {"name": "Otra", "prefix": "A"}), 400, "invalid")
    assert list(body["errors"]) == ["prefix"]
    body = error(api(cast.manager).post(url, {"name": "Otra", "prefix": "7"}), 400, "invalid")
    assert list(body["errors"]) == ["prefix"]
    body = error(api(cast.manager).post(url, {"prefix": "AB"}), 400, "invalid")
    assert set(body["errors"]) == {"name", "prefix"}


def test_a_queue_may_only_serve_the_locations_services(cast, api):
    elsewhere = ServiceFactory(locations=[cast.other_location])
    body = error(
        api(cast.admin).post(
            f"/api/v1/locations/{cast.location.pk}/queues/", {"name": "Caja", "prefix": "C", "services": [elsewhere.pk]}
        ),
        400,
        "invalid",
    )
    assert list(body["errors"]) == ["services"]


def test_malformed_json_is_a_parse_error(cast, api):
    response = api(cast.manager).post(
        f"/api/v1/locations/{cast.location.pk}/queues/", data="{nope", content_type="application/json"
    )
    error(response, 400, "parse_error")


def test_queues_are_listed_read_and_patched(cast, api, reception, parts):
    QueueFactory(location=cast.other_location, prefix="Z")
    listing = ok(api(cast.mechanic).get(f"/api/v1/locations/{cast.location.pk}/queues/"))
    assert listing["count"] == 2
    assert [q["prefix"] for q in listing["results"]] == ["A", "R"]
    assert ok(api(cast.mechanic).get(f"/api/v1/queues/{reception.pk}/"))["name"] == "Recepción de vehículos"
    patched = ok(api(cast.manager).patch(f"/api/v1/queues/{reception.pk}/", {"name": "Recepción", "position": 5}))
    assert (patched["name"], patched["prefix"], patched["position"]) == ("Recepción", "A", 5)
    error(api(cast.manager).patch(f"/api/v1/queues/{reception.pk}/", {"prefix": "R"}), 400, "invalid")
    error(api(cast.receptionist).patch(f"/api/v1/queues/{reception.pk}/", {"name": "x"}), 403, "permission_denied")


def test_a_manager_adds_desks_and_they_are_listed_read_and_patched(cast, api, reception, parts):
    url = f"/api/v1/locations/{cast.location.pk}/desks/"
    desk = ok(api(cast.manager).post(url, {"name": "Mesón 1"}), 201)
    assert desk == {
        "id": desk["id"],
        "location": cast.location.pk,
        "name": "Mesón 1",
        "queues": [],
        "is_active": True,
        "agent": None,
        "opened_at": None,
    }
    caja = ok(api(cast.manager).post(url, {"name": "Caja", "queues": [parts.pk]}), 201)
    assert caja["queues"] == [parts.pk]
    body = error(api(cast.manager).post(url, {"name": "Mesón 1"}), 400, "invalid")
    assert list(body["errors"]) == ["name"]
    there = QueueFactory(location=cast.other_location)
    body = error(api(cast.manager).post(url, {"name": "Mesón 3", "queues": [there.pk]}), 400, "invalid")
    assert list(body["errors"]) == ["queues"]
    assert [d["name"] for d in ok(api(cast.receptionist).get(url))["results"]] == ["Caja", "Mesón 1"]
    assert ok(api(cast.mechanic).get(f"/api/v1/desks/{desk['id']}/"))["name"] == "Mesón 1"
    patched = ok(api(cast.manager).patch(f"/api/v1/desks/{desk['id']}/", {"queues": [reception.pk, parts.pk]}))
    assert sorted(patched["queues"]) == sorted([reception.pk, parts.pk])


def test_an_agent_opens_and_closes_a_desk(cast, api, desk):
    opened = ok(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/open/"))
    assert opened["agent"] == cast.mechanic.pk
    assert opened["opened_at"] == "2026-12-01T10:00:00-03:00"
    closed = ok(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/close/"))
    assert (closed["agent"], closed["opened_at"]) == (None, None)


def test_a_desk_closed_for_good_cannot_be_opened_or_call(cast, api, desk, reception):
    ok(api(cast.manager).patch(f"/api/v1/desks/{desk.pk}/", {"is_active": False}))
    error(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/open/"), 409, "invalid_transition")
    TicketFactory(queue=reception)
    error(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/"), 409, "invalid_transition")


# --- Tickets ------------------------------------------------------------------------------


def test_a_receptionist_issues_a_ticket(cast, api, reception):
    body = ok(
        api(cast.receptionist).post(f"/api/v1/queues/{reception.pk}/tickets/", {"name": "Ana", "phone": "+569"}), 201
    )
    assert {k: body[k] for k in ("number", "status", "position", "estimated_wait_minutes")} == {
        "number": "A-001",
        "status": "waiting",
        "position": 1,
        "estimated_wait_minutes": 0,
    }
    assert isinstance(body["id"], int)
    assert (body["name"], body["phone"], body["queue"]) == ("Ana", "+569", reception.pk)
    assert body["issued_at"] == "2026-12-01T10:00:00-03:00"


def test_the_body_is_optional_and_position_and_wait_grow(cast, api, reception):
    done_ticket(reception, minutes=8, finished_at=NOW - timedelta(hours=20))
    url = f"/api/v1/queues/{reception.pk}/tickets/"
    answers = [ok(api(cast.receptionist).post(url), 201) for _ in range(3)]
    assert [(a["number"], a["position"], a["estimated_wait_minutes"]) for a in answers] == [
        ("A-001", 1, 0),
        ("A-002", 2, 8),
        ("A-003", 3, 16),
    ]


def test_numbers_restart_the_next_local_day(cast, api, reception, clock):
    url = f"/api/v1/queues/{reception.pk}/tickets/"
    ok(api(cast.receptionist).post(url), 201)
    clock.move_to(datetime(2026, 12, 2, 0, 0, tzinfo=SANTIAGO))
    assert ok(api(cast.receptionist).post(url), 201)["number"] == "A-001"


def test_issue_validation_and_closed_queue(cast, api, reception):
    url = f"/api/v1/queues/{reception.pk}/tickets/"
    body = error(api(cast.receptionist).post(url, {"name": "x" * 121}), 400, "invalid")
    assert list(body["errors"]) == ["name"]
    reception.is_active = False
    reception.save()
    error(api(cast.receptionist).post(url), 409, "invalid_transition")


def test_call_next_answers_the_called_ticket_or_204(cast, api, reception, desk):
    ticket = TicketFactory(queue=reception, name="Ana")
    body = ok(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/"))
    assert (body["id"], body["number"], body["status"]) == (ticket.pk, "A-001", "called")
    assert (body["desk"], body["desk_name"], body["position"], body["estimated_wait_minutes"]) == (
        desk.pk,
        "Mesón 1",
        None,
        None,
    )
    response = api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/")
    assert response.status_code == 204
    assert response.content == b""
    assert Ticket.objects.get(pk=ticket.pk).status == "done"


def test_call_next_may_name_queues(cast, api, reception, parts, desk):
    TicketFactory(queue=reception, issued_at=NOW - timedelta(minutes=5))
    mine = TicketFactory(queue=parts)
    body = ok(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/", {"queues": [parts.pk]}))
    assert body["id"] == mine.pk
    there = QueueFactory(location=cast.other_location)
    body = error(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/", {"queues": [there.pk]}), 400, "invalid")
    assert list(body["errors"]) == ["queues"]
    error(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/", {"queues": "A"}), 400, "invalid")
    error(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/call-next/", {"queues": []}), 400, "invalid")


def called(cast, desk, queue):
    TicketFactory(queue=queue)
    from autoagenda.walkins import services

    return services.ticket_call_next(actor=cast.mechanic, desk=desk)


def test_recall_finish_and_no_show(cast, api, reception, desk):
    ticket = called(cast, desk, reception)
    body = ok(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/recall/"))
    assert (body["status"], body["recall_count"]) == ("called", 1)
    body = ok(api(cast.receptionist).post(f"/api/v1/tickets/{ticket.pk}/finish/"))
    assert body["status"] == "done"
    assert body["finished_at"] == "2026-12-01T10:00:00-03:00"
    error(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/recall/"), 409, "invalid_transition")
    error(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/no-show/"), 409, "invalid_transition")
    second = called(cast, desk, reception)
    assert ok(api(cast.mechanic).post(f"/api/v1/tickets/{second.pk}/no-show/"))["status"] == "no_show"


def test_start_and_cancel(cast, api, reception, desk):
    ticket = called(cast, desk, reception)
    assert ok(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/start/"))["status"] == "serving"
    error(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/start/"), 409, "invalid_transition")
    waiting = TicketFactory(queue=reception)
    assert ok(api(cast.receptionist).post(f"/api/v1/tickets/{waiting.pk}/cancel/"))["status"] == "cancelled"


def test_transfer_keeps_the_number_and_issue_time(cast, api, reception, parts, desk):
    ticket = called(cast, desk, reception)
    body = ok(api(cast.mechanic).post(f"/api/v1/tickets/{ticket.pk}/transfer/", {"queue": parts.pk}))
    assert (body["number"], body["queue"], body["status"], body["desk"], body["position"]) == (
        "A-001",
        parts.pk,
        "waiting",
        None,
        1,
    )
    assert body["issued_at"] == ticket.issued_at.astimezone(SANTIAGO).isoformat()


def test_transfer_needs_a_queue_of_the_same_location(cast, api, reception, desk):
    ticket = called(cast, desk, reception)
    url = f"/api/v1/tickets/{ticket.pk}/transfer/"
    assert list(error(api(cast.mechanic).post(url, {}), 400, "invalid")["errors"]) == ["queue"]
    there = QueueFactory(location=cast.other_location)
    assert list(error(api(cast.mechanic).post(url, {"queue": there.pk}), 400, "invalid")["errors"]) == ["queue"]
    error(api(cast.mechanic).post(url, {"queue": 99999999999}), 400, "invalid")


def test_unknown_ids_are_404(cast, api):
    for url in (
        "/api/v1/queues/999999/",
        "/api/v1/queues/999999/tickets/",
        "/api/v1/desks/999999/call-next/",
        "/api/v1/tickets/999999/recall/",
        "/api/v1/tickets/999999/transfer/",
        "/api/v1/locations/999999/queues/",
    ):
        method = "get" if url.endswith(("/queues/999999/",)) else "post"
        error(getattr(api(cast.admin), method)(url, {"queue": 1}), 404, "not_found")
    error(api(None).get("/api/v1/locations/999999/display/"), 404, "not_found")


def test_anonymous_is_401_except_the_display(cast, api, reception, desk):
    error(api(None).post(f"/api/v1/queues/{reception.pk}/tickets/"), 401, "not_authenticated")
    error(api(None).post(f"/api/v1/desks/{desk.pk}/call-next/"), 401, "not_authenticated")
    ok(api(None).get(f"/api/v1/locations/{cast.location.pk}/display/"))


def test_a_client_gets_403(cast, api, reception, desk):
    ticket = TicketFactory(queue=reception)
    error(api(cast.client).post(f"/api/v1/queues/{reception.pk}/tickets/"), 403, "permission_denied")
    error(api(cast.client).post(f"/api/v1/desks/{desk.pk}/call-next/"), 403, "permission_denied")
    error(api(cast.client).post(f"/api/v1/tickets/{ticket.pk}/finish/"), 403, "permission_denied")
    error(api(cast.client).get("/api/v1/tickets/"), 403, "permission_denied")


def test_ticket_list_and_read_are_scoped_and_filtered(cast, api, reception, parts, desk):
    a = TicketFactory(queue=reception, issued_at=NOW - timedelta(minutes=3))
    b = TicketFactory(queue=parts, issued_at=NOW - timedelta(minutes=2))
    TicketFactory(queue=QueueFactory(location=cast.other_location))
    body = ok(api(cast.mechanic).get("/api/v1/tickets/"))
    assert [t["id"] for t in body["results"]] == [b.pk, a.pk]
    assert [t["position"] for t in body["results"]] == [1, 1]
    assert ok(api(cast.admin).get("/api/v1/tickets/"))["count"] == 3
    assert [t["id"] for t in ok(api(cast.mechanic).get("/api/v1/tickets/", {"queue": parts.pk}))["results"]] == [b.pk]
    assert ok(api(cast.mechanic).get("/api/v1/tickets/", {"status": "done"}))["count"] == 0
    assert ok(api(cast.mechanic).get("/api/v1/tickets/", {"date": "2026-12-01"}))["count"] == 2
    error(api(cast.mechanic).get("/api/v1/tickets/", {"status": "lost"}), 400, "invalid")
    error(api(cast.mechanic).get("/api/v1/tickets/", {"date": "yesterday"}), 400, "invalid")
    assert ok(api(cast.mechanic).get(f"/api/v1/tickets/{a.pk}/"))["number"] == "A-001"
    queue_list = ok(api(cast.receptionist).get(f"/api/v1/queues/{reception.pk}/tickets/"))
    assert [t["id"] for t in queue_list["results"]] == [a.pk]


def test_a_list_of_tickets_takes_a_fixed_number_of_queries(cast, api, reception, parts, django_assert_max_num_queries):
    for queue in (reception, parts):
        for _ in range(5):
            TicketFactory(queue=queue)
    client = api(cast.mechanic)
    with django_assert_max_num_queries(20):
        body = ok(client.get("/api/v1/tickets/"))
    assert body["count"] == 10


def test_the_display_answers_the_public_state(cast, api, reception, desk):
    TicketFactory(queue=reception, name="Ana Secreta")
    TicketFactory(queue=reception)
    called(cast, desk, reception)
    body = ok(api(None).get(f"/api/v1/locations/{cast.location.pk}/display/"))
    assert set(body) == {"seq", "current", "recent", "waiting"}
    assert body["current"]["number"] == "A-001"
    assert body["current"]["desk"] == "Mesón 1"
    assert body["current"]["at"] == "2026-12-01T10:00:00-03:00"
    assert body["recent"] == []
    assert body["waiting"] == [
        {
            "queue": reception.pk,
            "prefix": "A",
            "name": "Recepción de vehículos",
            "count": 2,
            "estimated_wait_minutes": 20,
        }
    ]
    assert "Secreta" not in str(body)


def test_the_display_of_an_inactive_location_is_404(cast, api):
    cast.location.is_active = False
    cast.location.save()
    error(api(None).get(f"/api/v1/locations/{cast.location.pk}/display/"), 404, "not_found")


def test_closing_a_desk_for_good_sends_its_agent_away(cast, api, desk):
    ok(api(cast.mechanic).post(f"/api/v1/desks/{desk.pk}/open/"))
    body = ok(api(cast.manager).patch(f"/api/v1/desks/{desk.pk}/", {"is_active": False}))
    assert (body["is_active"], body["agent"]) == (False, None)


def test_a_queues_services_are_replaced_by_a_patch(cast, api, reception):
    oil, brakes = ServiceFactory(locations=[cast.location]), ServiceFactory(locations=[cast.location])
    body = ok(api(cast.admin).patch(f"/api/v1/queues/{reception.pk}/", {"services": [oil.pk, brakes.pk]}))
    assert sorted(body["services"]) == sorted([oil.pk, brakes.pk])
    body = ok(api(cast.admin).patch(f"/api/v1/queues/{reception.pk}/", {"services": []}))
    assert body["services"] == []
    error(api(cast.admin).patch(f"/api/v1/queues/{reception.pk}/", {"services": None}), 400, "invalid")
    error(api(cast.admin).patch(f"/api/v1/queues/{reception.pk}/", {"position": -1}), 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [{"name": 5, "prefix": ["A"]}, {"name": "x", "prefix": None}, {"name": "x" * 81, "prefix": "Q"}, [], "text"],
)
def test_odd_bodies_are_400_never_500(cast, api, body):
    response = api(cast.admin).post(f"/api/v1/locations/{cast.location.pk}/queues/", body, format="json")
    error(response, 400, "invalid")
