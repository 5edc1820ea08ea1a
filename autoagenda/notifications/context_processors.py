"""The bell's unread count for base.html: one cheap query (a partial index holds only unread rows), and only
when a page actually renders the bell (htmx fragments and API responses never ask).

`inbox_live` says whether the page may open the bell's WebSocket: only an ASGI server has one (under a WSGI
server — gunicorn's sync workers, the test suite's live server — the count is still right on every page load).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from autoagenda.notifications import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": SimpleLazyObject(lambda: selectors.unread_count(user)),
        "inbox_live": hasattr(request, "scope"),  # an ASGIRequest
    }
