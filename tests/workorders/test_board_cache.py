"""The job board's columns are rendered once per board version and minute (views/boards.py, live.py): every
change of a work order or a clock — through the services, the admin or any other save — shows at once; a new
minute renders afresh (ages, late markers); each request gets its own CSRF token; a mechanic never gets the
desk's buttons."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autoagenda.workorders import services
from autoagenda.workorders.models import WorkOrder
from tests.conftest import TEST_LANGUAGE
from tests.customers.factories import VehicleFactory
from tests.workorders.factories import WorkOrderFactory


def _board(client, location) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workorders:board", args=[location.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def _column_of(html: str, number: str) -> str:
    card = html.index(f'data-card="{number}"')
    return re.findall(r'data-column="([a-z_]+)"', html[:card])[-1]


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


def test_an_unchanged_board_is_served_from_the_cache_without_reading_its_cards(cast, web, work_order):
    client = web(cast.receptionist)
    first, cold = _board(client, cast.location)
    second, warm = _board(client, cast.location)
    assert warm < cold
    assert TOKEN.sub("", second) == TOKEN.sub("", first)  # the same page but for each form's masked token


def test_a_move_through_the_services_shows_at_once(cast, web, work_order):
    client = web(cast.receptionist)
    assert _column_of(_board(client, cast.location)[0], work_order.number) == "draft"
    services.work_order_transition(actor=cast.receptionist, work_order=work_order, status="in_progress")
    assert _column_of(_board(client, cast.location)[0], work_order.number) == "in_progress"


def test_a_write_outside_the_services_shows_at_once(cast, web, work_order):
    client = web(cast.receptionist)
    _board(client, cast.location)
    other = WorkOrderFactory(location=cast.location, vehicle=VehicleFactory(owner=cast.client))
    assert f'data-card="{other.number}"' in _board(client, cast.location)[0]
    WorkOrder.objects.get(pk=other.pk).delete()
    assert f'data-card="{other.number}"' not in _board(client, cast.location)[0]


def test_a_clock_started_shows_at_once(cast, web, work_order):
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status="in_progress")
    client = web(cast.receptionist)
    assert "wo-running" not in _board(client, cast.location)[0]
    services.time_entry_start(actor=cast.mechanic, work_order=work_order)
    assert "wo-running" in _board(client, cast.location)[0]


def test_a_new_minute_renders_the_ages_afresh(cast, web, work_order, clock):
    client = web(cast.receptionist)
    before, _ = _board(client, cast.location)
    clock.shift(timedelta(minutes=5))
    after, _ = _board(client, cast.location)
    assert before != after
    assert "5 min" in after


def test_each_request_gets_its_own_csrf_token(cast, work_order):
    """Two desks, one cached board: a card's form posted by each desk passes Django's CSRF check and moves it."""
    second = services.work_order_create(
        actor=cast.receptionist, location=cast.location, vehicle=VehicleFactory(owner=cast.client), description="Otro"
    )
    for user, target in ((cast.receptionist, work_order), (cast.manager, second)):
        client = Client(enforce_csrf_checks=True, **TEST_LANGUAGE)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        html, _ = _board(client, cast.location)
        assert "csrf-token-of-the-request" not in html
        card = html.split(f'data-card="{target.number}"', 1)[1].split("</li>", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
        response = client.post(
            reverse("workorders:board_move", args=[cast.location.pk, target.pk]),
            {"status": "in_progress", "csrfmiddlewaretoken": token},
        )
        assert response.status_code in (200, 302), response.status_code
        assert WorkOrder.objects.get(pk=target.pk).status == "in_progress"


def test_a_mechanic_gets_only_their_own_buttons_after_the_desk_rendered(cast, web, work_order):
    services.work_order_assign(actor=cast.receptionist, work_order=work_order, mechanic=cast.mechanic)

    def card(user) -> str:
        html, _ = _board(web(user), cast.location)
        return html.split(f'data-card="{work_order.number}"', 1)[1].split("</li>", 1)[0]

    assert 'value="cancelled"' in card(cast.receptionist)
    mechanics = card(cast.mechanic)
    assert 'value="cancelled"' not in mechanics
    assert 'name="status" value="in_progress"' in mechanics
