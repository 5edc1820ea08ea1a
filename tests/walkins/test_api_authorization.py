"""Who may use each walk-in endpoint: every role of the cast, with the exact status.

Everything is at `cast.location`. Staff of the other location get 404 (they must not learn it exists), a client
403 (API.md: "a client gets 403"), anonymous 401 except the public display.
"""

from __future__ import annotations

import pytest

from autoagenda.walkins import services
from tests.matrix import ROLES, expect
from tests.walkins.conftest import NOT_STAFF, STAFF_HERE, STAFF_THERE, matrix
from tests.walkins.factories import TicketFactory

STAFF_READ = matrix(anonymous=401, **dict.fromkeys(STAFF_HERE, 200))
STAFF_ACT = STAFF_READ
MANAGE_CREATE = matrix(anonymous=401, admin=201, manager=201)
MANAGE_PATCH = matrix(anonymous=401, admin=200, manager=200)
ISSUE = matrix(anonymous=401, admin=201, manager=201, receptionist=201)

# What a create or a change sends, per kind of thing set up.
NEW = {"queue": {"name": "Caja", "prefix": "C"}, "desk": {"name": "Caja"}}
CHANGE = {"queue": {"name": "Recepción"}, "desk": {"name": "Mesón 9"}}

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def here(reception, parts, desk):
    waiting = TicketFactory(queue=reception)
    TicketFactory(queue=reception)
    return {"queue": reception, "parts": parts, "desk": desk, "ticket": waiting}


@pytest.fixture
def called_ticket(cast, here):
    return services.ticket_call_next(actor=cast.admin, desk=here["desk"])


def check(response, status):
    assert response.status_code == status, response.content
    code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(status)
    if code:
        assert response.json()["code"] == code


def test_the_matrix_names_every_role():
    assert len(STAFF_READ) == len(ROLES)


@pytest.mark.parametrize("kind", ["queue", "desk"])
@pytest.mark.parametrize(("who", "status"), STAFF_READ)
def test_list_a_locations_queues_or_desks(cast, api, here, who, status, kind):
    check(api(cast.by_name(who)).get(f"/api/v1/locations/{cast.location.pk}/{kind}s/"), status)


@pytest.mark.parametrize("kind", ["queue", "desk"])
@pytest.mark.parametrize(("who", "status"), STAFF_READ)
def test_read_a_queue_or_a_desk(cast, api, here, who, status, kind):
    check(api(cast.by_name(who)).get(f"/api/v1/{kind}s/{here[kind].pk}/"), status)


@pytest.mark.parametrize("kind", ["queue", "desk"])
@pytest.mark.parametrize(("who", "status"), MANAGE_CREATE)
def test_create_a_queue_or_a_desk(cast, api, here, who, status, kind):
    check(api(cast.by_name(who)).post(f"/api/v1/locations/{cast.location.pk}/{kind}s/", NEW[kind]), status)


@pytest.mark.parametrize("kind", ["queue", "desk"])
@pytest.mark.parametrize(("who", "status"), MANAGE_PATCH)
def test_change_a_queue_or_a_desk(cast, api, here, who, status, kind):
    check(api(cast.by_name(who)).patch(f"/api/v1/{kind}s/{here[kind].pk}/", CHANGE[kind]), status)


@pytest.mark.parametrize("action", ["open", "close"])
@pytest.mark.parametrize(("who", "status"), STAFF_ACT)
def test_sit_at_or_leave_a_desk(cast, api, here, who, status, action):
    check(api(cast.by_name(who)).post(f"/api/v1/desks/{here['desk'].pk}/{action}/"), status)


@pytest.mark.parametrize(("who", "status"), ISSUE)
def test_issue_a_ticket(cast, api, here, who, status):
    check(api(cast.by_name(who)).post(f"/api/v1/queues/{here['queue'].pk}/tickets/", {"name": "Ana"}), status)


@pytest.mark.parametrize(("who", "status"), STAFF_READ)
def test_list_a_queues_tickets(cast, api, here, who, status):
    check(api(cast.by_name(who)).get(f"/api/v1/queues/{here['queue'].pk}/tickets/"), status)


@pytest.mark.parametrize(("who", "status"), STAFF_ACT)
def test_call_next(cast, api, here, who, status):
    check(api(cast.by_name(who)).post(f"/api/v1/desks/{here['desk'].pk}/call-next/"), status)


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show", "cancel"])
@pytest.mark.parametrize(("who", "status"), STAFF_ACT)
def test_act_on_a_called_ticket(cast, api, called_ticket, who, status, action):
    check(api(cast.by_name(who)).post(f"/api/v1/tickets/{called_ticket.pk}/{action}/"), status)


@pytest.mark.parametrize(("who", "status"), STAFF_ACT)
def test_transfer_a_ticket(cast, api, here, who, status):
    url = f"/api/v1/tickets/{here['ticket'].pk}/transfer/"
    check(api(cast.by_name(who)).post(url, {"queue": here["parts"].pk}), status)


@pytest.mark.parametrize(("who", "status"), STAFF_READ)
def test_read_a_ticket(cast, api, here, who, status):
    check(api(cast.by_name(who)).get(f"/api/v1/tickets/{here['ticket'].pk}/"), status)


TICKET_LIST = expect(dict.fromkeys(STAFF_HERE + STAFF_THERE, 200) | dict.fromkeys(NOT_STAFF, 403) | {"anonymous": 401})


@pytest.mark.parametrize(("who", "status"), TICKET_LIST)
def test_list_tickets_is_scoped_to_the_callers_locations(cast, api, here, who, status):
    response = api(cast.by_name(who)).get("/api/v1/tickets/")
    check(response, status)
    if status == 200:
        assert response.json()["count"] == (2 if who in STAFF_HERE else 0)


@pytest.mark.parametrize(("who", "status"), expect(dict.fromkeys(ROLES, 200)))
def test_the_display_is_public(cast, api, here, who, status):
    check(api(cast.by_name(who)).get(f"/api/v1/locations/{cast.location.pk}/display/"), status)
