"""The in-app inbox in the API (API.md fields exactly) and in the pages, with the bell's count."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import AsyncRequestFactory, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from autoagenda.notifications.context_processors import inbox
from autoagenda.notifications.models import InAppNotification
from tests.notifications.factories import InAppNotificationFactory

FIELDS = {"id", "kind", "title", "body", "url", "created_at", "read_at"}


def _three(user):
    now = timezone.now()
    old = InAppNotificationFactory(user=user, title="Old")
    InAppNotification.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2), read_at=now)
    middle = InAppNotificationFactory(user=user, title="Middle", url="/book/appointments/")
    InAppNotification.objects.filter(pk=middle.pk).update(created_at=now - timedelta(days=1))
    new = InAppNotificationFactory(user=user, title="New")
    return old, middle, new


def test_the_list_has_the_contract_fields_newest_first(cast, api):
    _three(cast.client)
    InAppNotificationFactory(user=cast.outsider)
    body = api(cast.client).get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert set(body["results"][0]) == FIELDS
    assert [row["title"] for row in body["results"]] == ["New", "Middle", "Old"]
    assert body["results"][1]["url"] == "/book/appointments/"
    assert body["results"][2]["read_at"] is not None


def test_unread_1_lists_only_the_unread(cast, api):
    _three(cast.client)
    body = api(cast.client).get("/api/v1/notifications/?unread=1").json()
    assert [row["title"] for row in body["results"]] == ["New", "Middle"]


def test_a_bad_unread_value_is_a_400(cast, api):
    response = api(cast.client).get("/api/v1/notifications/?unread=maybe")
    assert response.status_code == 400
    assert "unread" in response.json()["errors"]


def test_reading_one_sets_read_at_once(cast, api):
    _old, _middle, new = _three(cast.client)
    client = api(cast.client)
    first = client.post(f"/api/v1/notifications/{new.pk}/read/").json()
    again = client.post(f"/api/v1/notifications/{new.pk}/read/").json()
    assert first["read_at"] is not None
    assert again["read_at"] == first["read_at"]


def test_read_all_answers_how_many_it_marked(cast, api):
    _three(cast.client)
    InAppNotificationFactory(user=cast.outsider)
    client = api(cast.client)
    assert client.post("/api/v1/notifications/read-all/").json() == {"updated": 2}
    assert client.post("/api/v1/notifications/read-all/").json() == {"updated": 0}
    assert InAppNotification.objects.filter(user=cast.outsider, read_at__isnull=True).count() == 1


def test_delete_removes_the_item(cast, api):
    item = InAppNotificationFactory(user=cast.client)
    assert api(cast.client).delete(f"/api/v1/notifications/{item.pk}/").status_code == 204
    assert not InAppNotification.objects.filter(pk=item.pk).exists()


def test_the_list_costs_the_same_queries_for_1_or_30_items(cast, api, django_assert_max_num_queries):
    client = api(cast.client)
    InAppNotificationFactory(user=cast.client)
    with django_assert_max_num_queries(4):  # the login check, the count, the page (and a session/user read)
        client.get("/api/v1/notifications/")
    for _ in range(29):
        InAppNotificationFactory(user=cast.client)
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/notifications/").json()["results"]) == 30


# --- Pages and the bell ---------------------------------------------------------------------------------------


def test_every_page_shows_the_bell_with_the_unread_count(cast, web):
    InAppNotificationFactory.create_batch(3, user=cast.client)
    page = web(cast.client).get("/accounts/profile/").content.decode()
    assert 'id="bell-count"' in page
    assert 'data-bell-count="3"' in page


def test_no_unread_hides_the_count(cast, web):
    page = web(cast.client).get("/accounts/profile/").content.decode()
    assert 'data-bell-count="0" hidden' in page


def test_the_bell_costs_one_query_on_a_page(cast, web):
    client = web(cast.client)
    client.get("/accounts/profile/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/profile/")
    bell = [q["sql"] for q in queries.captured_queries if "notifications_inappnotification" in q["sql"]]
    assert len(bell) == 1
    assert "COUNT(" in bell[0].upper()


def test_an_htmx_fragment_does_not_count(cast, web):
    InAppNotificationFactory(user=cast.client)
    client = web(cast.client)
    with CaptureQueriesContext(connection) as queries:
        client.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_inbox_page_lists_with_actions(cast, web):
    _three(cast.client)
    page = web(cast.client).get("/notifications/").content.decode()
    assert page.index("New") < page.index("Middle") < page.index("Old")
    assert page.count("data-mark-read") == 2


def test_marking_read_with_htmx_returns_the_row_and_the_new_count(cast, web):
    _old, _middle, new = _three(cast.client)
    response = web(cast.client).post(f"/notifications/{new.pk}/read/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="inbox-item-{new.pk}"' in html
    assert "is-unread" not in html.split('id="bell-count"')[0]
    assert 'data-bell-count="1" hx-swap-oob="true"' in html


def test_deleting_with_htmx_removes_the_row_and_updates_the_count(cast, web):
    _old, _middle, new = _three(cast.client)
    html = web(cast.client).post(f"/notifications/{new.pk}/delete/", HTTP_HX_REQUEST="true").content.decode()
    assert "inbox-item" not in html
    assert 'data-bell-count="1" hx-swap-oob="true"' in html


def test_without_javascript_the_actions_redirect_back(cast, web):
    item = InAppNotificationFactory(user=cast.client)
    response = web(cast.client).post(f"/notifications/{item.pk}/read/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    response = web(cast.client).post("/notifications/read-all/")
    assert response.status_code == 302


def test_the_bell_panel_shows_the_latest_items(cast, web):
    for n in range(8):
        InAppNotificationFactory(user=cast.client, title=f"Item {n}")
    html = web(cast.client).get("/notifications/bell/").content.decode()
    assert html.count("bell__item") == 6
    assert "Item 7" in html
    assert "Item 1" not in html


def test_only_a_page_served_over_asgi_opens_the_bells_socket(cast):
    wsgi, asgi = RequestFactory().get("/"), AsyncRequestFactory().get("/")
    wsgi.user = asgi.user = cast.client
    assert (inbox(wsgi)["inbox_live"], inbox(asgi)["inbox_live"]) == (False, True)


def test_a_wsgi_page_has_the_count_but_no_socket_address(cast, web):
    page = web(cast.client).get("/accounts/profile/").content.decode()
    assert 'id="bell-count"' in page
    assert "data-ws=" not in page


def test_one_publish_tells_every_users_open_pages(monkeypatch):
    from asgiref.sync import async_to_sync, sync_to_async
    from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

    from autoagenda.notifications import live

    # A layer of its own: the shared one keeps asyncio locks bound to the event loops of earlier tests (Redis).
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    monkeypatch.setattr(live, "get_channel_layer", lambda: layer)

    async def scenario() -> list[dict]:
        channels = []
        for user_id in (7, 8):
            channel = await layer.new_channel()
            await layer.group_add(live.inbox_group(user_id), channel)
            channels.append(channel)
        await sync_to_async(live.publish_inbox_changed)(7, 8)
        return [await layer.receive(channel) for channel in channels]

    assert async_to_sync(scenario)() == [{"type": live.INBOX_CHANGED}] * 2
