"""The bell's socket: a signed-in person's own count on connect, and again after each change to their inbox
(written by a service in any process, pushed after commit through the channel layer)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from autoagenda.notifications import services
from autoagenda.notifications.models import InAppNotification
from config.asgi import application
from tests.notifications.factories import InAppNotificationFactory
from tests.walkins.test_live_consumers import TIMEOUT, run, session_of

pytestmark = pytest.mark.django_db(transaction=True)


def bell_socket(session_key: str | None, origin: str = "http://testserver") -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def test_the_socket_sends_the_count_then_every_change(cast, web):
    InAppNotificationFactory(user=cast.client)
    session = session_of(web, cast.client)

    @run
    async def scenario() -> None:
        bell = bell_socket(session)
        assert (await bell.connect())[0]
        assert await bell.receive_json_from(TIMEOUT) == {"type": "inbox.unread", "unread": 1, "changed": False}

        await database_sync_to_async(services.notification_enqueue)(
            event_key="test:live", recipient=cast.client, template="test_message", channels=["inapp"]
        )
        assert await bell.receive_json_from(TIMEOUT) == {"type": "inbox.unread", "unread": 2, "changed": True}

        await database_sync_to_async(services.inapp_mark_all_read)(user=cast.client)
        assert await bell.receive_json_from(TIMEOUT) == {"type": "inbox.unread", "unread": 0, "changed": True}
        await bell.disconnect()

    scenario()


def test_another_persons_change_is_not_heard(cast, web):
    session = session_of(web, cast.client)

    @run
    async def scenario() -> None:
        bell = bell_socket(session)
        assert (await bell.connect())[0]
        await bell.receive_json_from(TIMEOUT)
        await database_sync_to_async(services.notification_enqueue)(
            event_key="test:other", recipient=cast.outsider, template="test_message", channels=["inapp"]
        )
        assert await bell.receive_nothing(timeout=0.3)
        await bell.disconnect()

    scenario()
    assert InAppNotification.objects.filter(user=cast.outsider).count() == 1


def test_anonymous_is_refused(cast):
    @run
    async def scenario() -> None:
        bell = bell_socket(None)
        connected, code = await bell.connect()
        assert (connected, code) == (False, 4403)
        await bell.disconnect()

    scenario()


def test_another_sites_page_cannot_open_it_with_the_cookie(cast, web):
    session = session_of(web, cast.client)

    @run
    async def scenario() -> None:
        bell = bell_socket(session, origin="https://evil.example.com")
        connected, _ = await bell.connect()
        assert not connected
        await bell.disconnect()

    scenario()
