"""Every route refuses an anonymous caller unless it is on the public list below.

The list is the whole public surface of the product; a new route that forgets
its permission class or `login_required` fails here.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# (path, method) pairs anyone may use without logging in.
PUBLIC_API = {
    ("api/v1/auth/token/", "post"),
    ("api/v1/auth/token/refresh/", "post"),
    ("api/v1/auth/logout/", "post"),
    ("api/v1/auth/register/", "post"),
    ("api/v1/services/", "get"),  # the catalog clients browse before booking
    ("api/v1/services/<id:pk>/", "get"),
    ("api/v1/locations/<id:pk>/availability/", "get"),  # a visitor picks a time before signing up
    ("api/v1/locations/<id:pk>/display/", "get"),  # the walk-in queue's public screen (walkins)
    # The client's estimate link (workorders): the signed token in the path is the key.
    ("api/v1/estimates/<str:token>/", "get"),
    ("api/v1/estimates/<str:token>/decision/", "post"),
    ("api/v1/estimates/<str:token>/approve/", "post"),
    ("api/v1/estimates/<str:token>/decline/", "post"),
    # A payment provider's webhook (deposits): its signature is the key; unsigned is 400, nothing written.
    ("api/v1/payments/webhook/<str:provider>/", "post"),
    ("api/schema/", "get"),
    ("api/docs/", "get"),
}
PUBLIC_WEB = {
    "",
    "health/",
    "i18n/setlang/",
    "jsi18n/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/signup/",
    "accounts/password/reset/",
    "accounts/password/reset/sent/",
    "accounts/password/reset/<uidb64>/<token>/",
    "accounts/password/reset/complete/",
    "queue/locations/<id:location_id>/display/",  # the walk-in queue's public screen (a TV, no login)
    r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$",  # a person's calendar feed: the secret token is the key
    "notifications/a/<str:token>/",  # the self-service links in messages: the signed token is the key
    "work-orders/estimate/<str:token>/",  # the client's estimate by its signed link (no login)
    # The fake payment provider's page (development and tests only): like a real provider it knows the checkout
    # session, not our users; the unguessable session token is the key, and it is 404 unless PAYMENTS_PROVIDER=fake.
    "deposits/fake-checkout/<str:session_id>/",
}


def _routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    return "/" + re.sub(r"<(?:int|id):\w+>", "1", route)


ROUTES = [r for r in _routes() if not r.startswith(("backoffice/", "__errors__/"))]
API_ROUTES = [r for r in ROUTES if r.startswith("api/v1/")]
WEB_ROUTES = [r for r in ROUTES if not r.startswith("api/")]


@pytest.mark.parametrize("route", API_ROUTES)
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_an_anonymous_api_caller_is_refused_outside_the_public_list(client, db, route, method):
    if method == "get":
        response = client.get(_concrete(route))
    else:
        response = getattr(client, method)(_concrete(route), data="{}", content_type="application/json")
    if (route, method) in PUBLIC_API:
        assert response.status_code != 401
    else:
        # 401 asks for credentials; 405 means the method is not served at all.
        assert response.status_code in (401, 405), response.content
        assert response.json()["code"] in ("not_authenticated", "method_not_allowed")


@pytest.mark.parametrize("route", [r for r in WEB_ROUTES if r not in PUBLIC_WEB])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, route):
    response = client.get(_concrete(route))
    if response.status_code == 405:  # POST-only actions
        response = client.post(_concrete(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_public_lists_name_only_routes_that_exist():
    assert {path for path, _ in PUBLIC_API} <= set(ROUTES)
    assert set(PUBLIC_WEB) <= set(ROUTES)
