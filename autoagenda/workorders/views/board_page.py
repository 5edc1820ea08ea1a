"""The job-board page as a whole, kept in the shared cache (issue 12).

Every desk and wall screen asks for the same board again and again (each change makes every screen re-fetch it),
and once its columns were cached the shell around them — the menu, the header, the mechanics filter — was most
of what a request cost. So the rendered page is kept too, per board version and minute like the columns, and per
everything else its markup depends on: the viewer (their menu, name and role are in the shell; a desk's page is
not a mechanic's; htmx's fragment, which every desk re-fetches on each change, has no shell and is one for every
desk), the language, the location's name and zone, the exact query (the filter, the wall screen; any
other query is not cached, so nobody can fill the cache with variants), a full page or htmx's fragment.

What is checked or read afresh on every request: the login and the session, that the viewer works at the location
(the view does it before it asks here), the CSRF token (the page is rendered with a placeholder), the bell's
unread count (a placeholder too) and the messages (a page with messages waiting is rendered, never cached)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache as once
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import role_of
from autoagenda.locations.models import Location
from autoagenda.workorders import live
from autoagenda.workorders.permissions import DESK_ROLES
from autoagenda.workorders.views.board_cards import e
from autoagenda.workorders.views.common import is_partial

PAGE_CACHE_SECONDS = 120
CSRF_PLACEHOLDER = "csrf-token-of-the-request"
BELL_PLACEHOLDER = "bell-count-of-the-request"
BELL_TEMPLATE = "partials/bell_count.html"
QUERY = frozenset({"mechanic", "tv"})  # the board's own parameters; a page with any other is not cached
PLACEHOLDERS = {"csrf_token": CSRF_PLACEHOLDER, "inbox_unread": BELL_PLACEHOLDER}


def _plain_query(request: HttpRequest) -> bool:
    return all(name in QUERY and len(values) == 1 and len(values[0]) <= 20 for name, values in request.GET.lists())


def page_key(request: HttpRequest, location: Location, user: User, *, now: datetime) -> str:
    """The cache key of this request's page, or "" when it must be rendered (the cache is unreadable, messages
    are waiting, or the query is not the board's own)."""
    if not _plain_query(request) or len(get_messages(request)):
        return ""
    version = live.board_version(location.pk)
    if version is None:
        return ""
    partial = is_partial(request)
    if partial and role_of(user) in DESK_ROLES:  # htmx's fragment has no shell: every desk's is the same
        viewer: tuple[Any, ...] = ("desk",)
    else:
        viewer = (user.pk, user.role, user.get_short_name(), user.is_active)
    shell = (location.name, str(location.zone), partial, hasattr(request, "scope"))
    parts = repr((viewer, shell, request.get_full_path())).encode()
    digest = hashlib.blake2b(parts, digest_size=16).hexdigest()
    minute = int(now.timestamp() // 60)
    return f"workorders:board-page:{location.pk}:{version}:{minute}:{get_language()}:{digest}"


@once
def _bell_placeholder() -> str:
    """The bell's count as base.html renders it around the placeholder (templates are fixed while a process
    runs)."""
    return render_to_string(BELL_TEMPLATE, {"inbox_unread": BELL_PLACEHOLDER})


# A page as kept: its UTF-8 bytes cut at each CSRF placeholder, before and after the bell's count (None: no
# bell). Joining bytes around this request's token costs a fraction of replacing in, and encoding, 240 KiB of text.
Parts = tuple[list[bytes], list[bytes] | None]


def _cut(html: str) -> Parts:
    token = CSRF_PLACEHOLDER.encode()
    before, bell, after = html.partition(_bell_placeholder())
    return before.encode().split(token), (after.encode().split(token) if bell else None)


def _respond(request: HttpRequest, parts: Parts, *, status: int = 200) -> HttpResponse:
    """The page with this request's own CSRF token and unread count put in (the count as base.html's own partial
    renders it for this request: one query, only when the page has the bell)."""
    token = e(get_token(request)).encode()
    before, after = parts
    body = token.join(before)
    if after is not None:
        bell = render_to_string(BELL_TEMPLATE, None, request).encode()
        body = b"".join((body, bell, token.join(after)))
    response = HttpResponse(body, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def cached(request: HttpRequest, key: str) -> HttpResponse | None:
    """The page kept under `key`, for this request; None when there is none."""
    parts = cache.get(key) if key else None
    return None if parts is None else _respond(request, parts)


def render(
    request: HttpRequest, template: str, context: dict[str, Any], *, key: str = "", status: int = 200
) -> HttpResponse:
    """Render with the placeholders, keep the result under `key` when one is given, and respond."""
    parts = _cut(render_to_string(template, {**context, **PLACEHOLDERS}, request))
    if key:
        cache.set(key, parts, PAGE_CACHE_SECONDS)
    return _respond(request, parts, status=status)
