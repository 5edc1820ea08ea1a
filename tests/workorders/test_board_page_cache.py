"""The whole job-board page is kept in the cache per board version and minute, per viewer (views/board_page.py):
a request served from it still checks who may see the location, gets its own CSRF token, unread count and
messages, and shows only what that viewer's own page shows."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autoagenda.accounts.models import StaffMembership
from tests.locations.factories import LocationFactory
from tests.notifications.factories import InAppNotificationFactory


def _get(client, location, query: str = "", **headers):
    url = reverse("workorders:board", args=[location.pk]) + query
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, len(ctx.captured_queries)


def _bell(html: str) -> str:
    return html.split('id="bell-count"', 1)[1].split("</span>", 1)[0]


def test_a_cached_page_reads_only_the_session_the_user_the_location_and_the_unread_count(cast, web, work_order):
    client = web(cast.receptionist)
    first, cold = _get(client, cast.location)
    second, warm = _get(client, cast.location)
    assert second.status_code == 200
    assert warm == 4, warm  # the session, the user, the location (who may see it), the bell's count
    assert warm < cold
    assert second.content.count(b"data-card=") == first.content.count(b"data-card=") == 1


def test_the_bell_shows_the_unread_count_of_the_moment_on_a_cached_page(cast, web, work_order):
    client = web(cast.receptionist)
    assert " hidden" in _bell(_get(client, cast.location)[0].content.decode())
    InAppNotificationFactory(user=cast.receptionist)
    InAppNotificationFactory(user=cast.receptionist)
    bell = _bell(_get(client, cast.location)[0].content.decode())
    assert 'data-bell-count="2"' in bell
    assert " hidden" not in bell
    assert "bell-count-of-the-request" not in bell


def test_each_viewer_gets_their_own_shell(cast, web, work_order):
    cast.manager.first_name = "Zenobia"
    cast.manager.save()
    cast.receptionist.first_name = "Quiteria"
    cast.receptionist.save()
    receptionists = _get(web(cast.receptionist), cast.location)[0].content.decode()
    managers = _get(web(cast.manager), cast.location)[0].content.decode()
    assert "Quiteria" in receptionists
    assert "Zenobia" not in receptionists
    assert "Zenobia" in managers
    assert "Quiteria" not in managers
    assert reverse("notifications:outbox") in managers  # the manager's menu, not the receptionist's
    assert reverse("notifications:outbox") not in receptionists


def test_a_viewer_who_no_longer_works_there_is_refused_although_their_page_is_cached(cast, web, work_order):
    client = web(cast.receptionist)
    assert _get(client, cast.location)[0].status_code == 200
    StaffMembership.objects.filter(user=cast.receptionist, location=cast.location).delete()
    assert _get(client, cast.location)[0].status_code in (403, 404)


def test_a_message_waiting_is_shown_once_and_not_kept_in_the_cache(cast, web, work_order):
    client = web(cast.receptionist)
    _get(client, cast.location)
    moved = client.post(
        reverse("workorders:board_move", args=[cast.location.pk, work_order.pk]), {"status": "in_progress"}
    )
    assert moved.status_code == 302
    after = _get(client, cast.location)[0].content.decode()
    assert "alert--success" in after
    again = _get(client, cast.location)[0].content.decode()
    assert "alert--success" not in again
    assert 'data-status="in_progress"' in again


def test_a_query_that_is_not_the_boards_own_is_rendered_every_time(cast, web, work_order):
    client = web(cast.receptionist)
    _get(client, cast.location)
    _, cached = _get(client, cast.location)
    _get(client, cast.location, "?utm=1")
    _, again = _get(client, cast.location, "?utm=1")
    assert again > cached  # the mechanics and the locations read again: the page is rendered
    _, filtered = _get(client, cast.location, f"?mechanic={cast.mechanic.pk}")
    _, warm = _get(client, cast.location, f"?mechanic={cast.mechanic.pk}")
    assert warm < filtered


def test_the_htmx_fragment_and_the_full_page_are_kept_apart(cast, web, work_order):
    client = web(cast.receptionist)
    full = _get(client, cast.location)[0].content.decode()
    fragment = _get(client, cast.location, HTTP_HX_REQUEST="true")[0].content.decode()
    assert "<html" in full
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="wo-board"')
    assert "<html" in _get(client, cast.location)[0].content.decode()


def test_the_location_switcher_is_at_most_a_minute_old(cast, web, work_order, clock):
    client = web(cast.receptionist)
    assert "wo-filters__locations" not in _get(client, cast.location)[0].content.decode()
    second = LocationFactory(name="Sucursal Norte")
    StaffMembership.objects.create(user=cast.receptionist, location=second, role=cast.receptionist.role)
    clock.shift(timedelta(minutes=1))
    assert "Sucursal Norte" in _get(client, cast.location)[0].content.decode()


def test_every_desk_shares_one_htmx_fragment_each_with_its_own_token(cast, work_order):
    """On each change every desk re-fetches the fragment: the first renders it, the others get it from the cache
    (the session, the user and the location: no shell, no bell), and each posts a card's move with its own
    token."""
    import re

    from django.test import Client

    from autoagenda.workorders.models import WorkOrder
    from tests.conftest import TEST_LANGUAGE

    clients = []
    for user in (cast.receptionist, cast.manager):
        client = Client(enforce_csrf_checks=True, **TEST_LANGUAGE)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(client)
    first, cold = _get(clients[0], cast.location, HTTP_HX_REQUEST="true")
    second, warm = _get(clients[1], cast.location, HTTP_HX_REQUEST="true")
    assert warm == 3, warm
    assert warm < cold
    html = second.content.decode()
    assert "csrf-token-of-the-request" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token not in first.content.decode()
    moved = clients[1].post(
        reverse("workorders:board_move", args=[cast.location.pk, work_order.pk]),
        {"status": "in_progress", "csrfmiddlewaretoken": token},
    )
    assert moved.status_code == 302
    assert WorkOrder.objects.get(pk=work_order.pk).status == "in_progress"


def test_a_mechanics_fragment_is_not_a_desks(cast, web, work_order):
    desk = _get(web(cast.receptionist), cast.location, HTTP_HX_REQUEST="true")[0].content.decode()
    mechanics = _get(web(cast.mechanic), cast.location, HTTP_HX_REQUEST="true")[0].content.decode()
    assert 'value="cancelled"' in desk
    assert 'value="cancelled"' not in mechanics
