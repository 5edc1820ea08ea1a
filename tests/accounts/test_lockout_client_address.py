"""The lockout and the API throttles count the connection's peer, unless it is a proxy named in BEHIND_TLS_PROXY.

Issue 8: `make run`'s uvicorn believed `X-Forwarded-For` from 127.0.0.1, so a client talking to the server
directly could rotate the header and never be locked out. In-process here (the middleware and what axes and
DRF see); against the real server commands in test_lockout_live_servers.py.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD

LOGIN = reverse("accounts:login")
TOKEN_URL = "/api/v1/auth/token/"
REGISTER_URL = "/api/v1/auth/register/"
LIMIT = 10
PROXY = "10.0.0.2"


def forwarded(n: int) -> str:
    return f"198.51.100.{n + 1}"


def web_login(client, password: str, *, peer: str, forwarded_for: str | None = None) -> int:
    headers = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(LOGIN, {"username": "client@example.com", "password": password}, **headers).status_code


def api_login(password: str, *, peer: str, forwarded_for: str | None = None) -> int:
    headers = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    body = {"email": "client@example.com", "password": password}
    return APIClient(**headers).post(TOKEN_URL, body, format="json").status_code


@pytest.fixture
def no_proxy(settings):
    settings.TRUSTED_PROXIES = ()


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)


def test_rotating_x_forwarded_for_does_not_dodge_the_web_lockout(cast, client, no_proxy):
    for n in range(LIMIT):
        web_login(client, "wrong-password", peer="127.0.0.1", forwarded_for=forwarded(n))

    assert web_login(client, PASSWORD, peer="127.0.0.1", forwarded_for=forwarded(LIMIT)) == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_rotating_x_forwarded_for_does_not_dodge_the_api_lockout(cast, no_proxy):
    assert [api_login("wrong-password", peer="127.0.0.1", forwarded_for=forwarded(n)) for n in range(LIMIT)] == [
        401
    ] * LIMIT

    assert api_login(PASSWORD, peer="127.0.0.1", forwarded_for=forwarded(LIMIT)) == 429


def test_x_forwarded_for_from_a_peer_that_is_not_the_named_proxy_is_ignored(cast, client, behind_proxy):
    for n in range(LIMIT):
        web_login(client, "wrong-password", peer="203.0.113.50", forwarded_for=forwarded(n))

    assert web_login(client, PASSWORD, peer="203.0.113.50", forwarded_for=forwarded(LIMIT)) == 429
    assert api_login(PASSWORD, peer="203.0.113.50", forwarded_for=forwarded(LIMIT)) == 429


def test_behind_the_named_proxy_each_forwarded_client_has_its_own_count(cast, client, behind_proxy):
    for n in range(LIMIT):
        web_login(client, "wrong-password", peer=PROXY, forwarded_for=forwarded(n))

    assert web_login(client, PASSWORD, peer=PROXY, forwarded_for=forwarded(LIMIT)) == 302
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == sorted(
        forwarded(n) for n in range(LIMIT)
    )


def test_behind_the_named_proxy_one_forwarded_client_is_locked_out(cast, client, behind_proxy):
    for _ in range(LIMIT):
        web_login(client, "wrong-password", peer=PROXY, forwarded_for="198.51.100.7")

    assert web_login(client, PASSWORD, peer=PROXY, forwarded_for="198.51.100.7") == 429
    assert api_login(PASSWORD, peer=PROXY, forwarded_for="198.51.100.7") == 429
    assert api_login(PASSWORD, peer=PROXY, forwarded_for="198.51.100.8") == 200


def test_behind_the_named_proxy_the_api_counts_the_forwarded_client(cast, behind_proxy):
    assert [api_login("wrong-password", peer=PROXY, forwarded_for=forwarded(n)) for n in range(LIMIT)] == [401] * LIMIT

    assert api_login(PASSWORD, peer=PROXY, forwarded_for=forwarded(LIMIT)) == 200
    assert AccessAttempt.objects.filter(ip_address=forwarded(0)).exists()


def test_an_address_the_client_puts_before_the_proxys_entry_is_not_believed(cast, client, behind_proxy):
    # nginx appends the peer it saw: whatever the client sent stays on the left.
    for n in range(LIMIT):
        web_login(client, "wrong-password", peer=PROXY, forwarded_for=f"{forwarded(n)}, 203.0.113.9")

    assert web_login(client, PASSWORD, peer=PROXY, forwarded_for=f"{forwarded(LIMIT)}, 203.0.113.9") == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def register(n: int, *, peer: str, forwarded_for: str) -> int:
    body = {"email": f"person{n}@example.com", "password": "short", "first_name": "A", "last_name": "B"}
    client = APIClient(REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(REGISTER_URL, body, format="json").status_code


def test_rotating_x_forwarded_for_does_not_dodge_the_api_throttle(db, no_proxy):
    assert {register(n, peer="127.0.0.1", forwarded_for=forwarded(n)) for n in range(30)} == {400}

    assert register(30, peer="127.0.0.1", forwarded_for=forwarded(30)) == 429


def test_behind_the_named_proxy_the_api_throttle_counts_each_forwarded_client(db, behind_proxy):
    assert {register(n, peer=PROXY, forwarded_for="198.51.100.7") for n in range(30)} == {400}

    assert register(30, peer=PROXY, forwarded_for="198.51.100.7") == 429
    assert register(31, peer=PROXY, forwarded_for="198.51.100.8") == 400
