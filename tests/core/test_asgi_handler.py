"""config.asgi's HTTP handler (core/asgi.py): one hop into the sync thread per request, Django's answers kept."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.core import signals

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(path, method="GET", body=b""):
    """The application called as a server calls it; (status, headers, body) from the messages it sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent = []

    async def receive():
        if incoming:
            return incoming.pop()
        await asyncio.Event().wait()  # no disconnect: wait until cancelled

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start, *parts = sent
    assert start["type"] == "http.response.start"
    assert all(part["type"] == "http.response.body" for part in parts)
    assert not parts[-1].get("more_body", False)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    return start["status"], headers, b"".join(part.get("body", b"") for part in parts)


@pytest.fixture
def fired():
    seen = []

    def started(**kwargs):
        seen.append("started")

    def finished(**kwargs):
        seen.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def test_a_request_starts_and_finishes_once_and_gets_its_answer(fired):
    status, headers, body = fetch("/health/")

    assert status == 200
    assert headers["content-type"].startswith("application/json") or body
    assert fired == ["started", "finished"]


def test_an_api_error_keeps_its_json_body(fired):
    status, headers, body = fetch("/api/v1/locations/1/")

    assert status == 401
    assert headers["content-type"].startswith("application/json")
    assert b'"code":"not_authenticated"' in body.replace(b" ", b"")
    assert fired == ["started", "finished"]


def test_a_streamed_file_is_sent_whole_then_closed(fired, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source tree, without collectstatic
    settings.WHITENOISE_AUTOREFRESH = True

    status, headers, body = fetch("/static/css/app.css")

    assert status == 200
    assert len(body) == int(headers["content-length"]) > 0
    assert fired == ["started", "finished"]


def test_a_posted_body_reaches_the_view(fired):
    status, _headers, body = fetch("/api/v1/auth/token/", "POST", b"{not json")

    assert status in {400, 415}
    assert b"code" in body
    assert fired == ["started", "finished"]
