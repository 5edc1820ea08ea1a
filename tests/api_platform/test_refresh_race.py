"""20 simultaneous refreshes of one token: exactly one new pair (SQLite and PostgreSQL alike).

The same tests run on whichever database DATABASE_URL selects; each thread
goes through the whole stack with its own connection.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from autoagenda.accounts.models import LoginSession
from autoagenda.accounts.tokens import token_pair_for_login
from tests.accounts.factories import UserFactory
from tests.api_platform.conftest import REFRESH_URL, refresh, whoami

pytestmark = [
    pytest.mark.urls("tests.api_platform.urls"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.concurrency,
]

THREADS = 20


def refresh_at_once(token: str) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            client = APIClient()
            barrier.wait()
            response = client.post(REFRESH_URL, {"refresh": token}, format="json")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_simultaneous_refreshes_give_exactly_one_new_pair():
    user = UserFactory()
    pair = token_pair_for_login(user)

    results = refresh_at_once(pair.refresh)

    assert len(results) == THREADS
    assert Counter(status for status, _ in results) == {200: 1, 401: THREADS - 1}
    assert all(body["code"] == "token_not_valid" for status, body in results if status == 401)
    # One token from the login, one from the single successful rotation.
    assert OutstandingToken.objects.filter(user=user).count() == 2
    # The losers are second uses of a used token: by default that ends the login.
    session = LoginSession.objects.get(user=user)
    assert session.revoked_reason == "refresh_reuse"


@override_settings(JWT_REFRESH_REUSE_LEEWAY_SECONDS=60)
def test_with_a_reuse_leeway_the_winner_of_the_race_keeps_a_working_login():
    user = UserFactory()
    pair = token_pair_for_login(user)

    results = refresh_at_once(pair.refresh)

    winners = [body for status, body in results if status == 200]
    assert len(winners) == 1
    assert Counter(status for status, _ in results)[401] == THREADS - 1
    assert whoami(winners[0]["access"]).status_code == 200
    assert refresh(winners[0]["refresh"]).status_code == 200
    assert LoginSession.objects.get(user=user).revoked_at is None


@pytest.mark.postgres
def test_on_postgresql_the_unique_claim_decides_even_when_every_thread_has_passed_the_checks(monkeypatch):
    """Hold all 20 inside their transactions until each has read the token as unused, then let them claim.

    (SQLite cannot be driven into this state: IMMEDIATE transactions queue at BEGIN.)
    """
    from autoagenda.accounts import tokens

    user = UserFactory()
    pair = token_pair_for_login(user)
    checked = threading.Barrier(THREADS)
    original_claim = tokens._claim

    def claim_together(outstanding):
        checked.wait(timeout=30)
        return original_claim(outstanding)

    monkeypatch.setattr(tokens, "_claim", claim_together)

    results = refresh_at_once(pair.refresh)

    assert not checked.broken
    assert Counter(status for status, _ in results) == {200: 1, 401: THREADS - 1}
    assert OutstandingToken.objects.filter(user=user).count() == 2
