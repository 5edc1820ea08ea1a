"""django-axes guards the API sign-in: 10 failures per (account, IP) in 15 minutes lock it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD
from tests.api_platform.conftest import TOKEN_URL

pytestmark = [pytest.mark.urls("tests.api_platform.urls"), pytest.mark.django_db]

LIMIT = 10


def attempt(email, password, ip="203.0.113.5"):
    return APIClient(REMOTE_ADDR=ip).post(TOKEN_URL, {"email": email, "password": password}, format="json")


def fail(email, times, ip="203.0.113.5"):
    return [attempt(email, "wrong-password-123", ip).status_code for _ in range(times)]


def test_ten_failures_answer_401_and_then_even_the_right_password_answers_429(cast):
    assert fail(cast.client.email, LIMIT) == [401] * LIMIT

    response = attempt(cast.client.email, PASSWORD)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert "15" in body["detail"]
    assert "errors" not in body
    assert int(response["Retry-After"]) == 15 * 60
    assert response["Content-Type"].startswith("application/json")


def test_the_lockout_is_per_account_and_ip(cast):
    fail(cast.client.email, LIMIT)
    assert attempt(cast.client.email, PASSWORD, ip="198.51.100.7").status_code == 200
    assert attempt(cast.manager.email, PASSWORD).status_code == 200
    assert attempt(cast.client.email, PASSWORD).status_code == 429


def test_spelling_the_email_differently_does_not_dodge_the_count(cast):
    fail("Client@Example.com", 5)
    fail("CLIENT@example.com ", 5)
    assert attempt("client@example.com", PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(cast):
    fail(cast.client.email, LIMIT)
    assert attempt(cast.client.email, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert attempt(cast.client.email, PASSWORD).status_code == 200


def test_a_successful_sign_in_clears_earlier_failures(cast):
    assert fail(cast.client.email, LIMIT - 1) == [401] * (LIMIT - 1)
    assert attempt(cast.client.email, PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username=cast.client.email).exists()
    assert fail(cast.client.email, LIMIT - 1) == [401] * (LIMIT - 1)
    assert attempt(cast.client.email, PASSWORD).status_code == 200


def test_failures_are_recorded_for_the_account_and_ip(cast):
    fail(cast.client.email, 3)
    record = AccessAttempt.objects.get(username=cast.client.email)
    assert record.ip_address == "203.0.113.5"
    assert record.failures_since_start == 3
