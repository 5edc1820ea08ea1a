"""Helpers for the API platform tests: sign in through the real endpoint, call a protected view."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
REFRESH_URL = "/api/v1/auth/token/refresh/"
LOGOUT_URL = "/api/v1/auth/logout/"
WHOAMI_URL = "/api/_test/whoami/"


def sign_in(email: str, password: str = PASSWORD, **extra: Any) -> dict[str, str]:
    response = APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json", **extra)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(token: str) -> Any:
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def whoami(access: str) -> Any:
    return APIClient().get(WHOAMI_URL, HTTP_AUTHORIZATION=f"Bearer {access}")


@pytest.fixture
def throttle_rate(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`throttle_rate("auth", "2/min")`: DRF reads rates once at import, so override_settings can't."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rate(scope: str, rate: str) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rate
