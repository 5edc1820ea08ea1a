"""The fixed cast every test can use, and API/web client helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.locations.models import Location
from tests.factories import AdminFactory, LocationFactory, StaffFactory, UserFactory


@dataclass
class Cast:
    """One of each role at `location`, plus people who must not see it."""

    location: Location
    other_location: Location
    admin: User
    manager: User
    receptionist: User
    mechanic: User
    client: User
    outsider: User  # another client
    other_manager: User  # staff of the other location only
    other_receptionist: User
    other_mechanic: User

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters and axes live in the cache; no test leaks into another."""
    cache.clear()


@pytest.fixture
def cast(db: Any) -> Cast:
    location = LocationFactory(name="Taller Providencia")
    other = LocationFactory(name="Taller Madrid Centro", timezone="Europe/Madrid", country="ES")
    return Cast(
        location=location,
        other_location=other,
        admin=AdminFactory(email="admin@example.com"),
        manager=StaffFactory(email="manager@example.com", role=Role.MANAGER, location=location),
        receptionist=StaffFactory(email="recep@example.com", role=Role.RECEPTIONIST, location=location),
        mechanic=StaffFactory(email="mechanic@example.com", role=Role.MECHANIC, location=location),
        client=UserFactory(email="client@example.com"),
        outsider=UserFactory(email="outsider@example.com"),
        other_manager=StaffFactory(email="other.manager@example.com", role=Role.MANAGER, location=other),
        other_receptionist=StaffFactory(email="other.recep@example.com", role=Role.RECEPTIONIST, location=other),
        other_mechanic=StaffFactory(email="other.mechanic@example.com", role=Role.MECHANIC, location=other),
    )


def api_client_for(user: User | None) -> APIClient:
    """An API client with a real bearer token for `user` (anonymous when None)."""
    client = APIClient()
    if user is not None:
        pair = token_pair_for_login(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    return client


def web_client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def api() -> Any:
    return api_client_for


@pytest.fixture
def web() -> Any:
    return web_client_for
