"""The fixed cast every test can use, and API/web client helpers."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.tokens import token_pair_for_login
from autoagenda.locations.models import Location
from autoagenda.scheduling import freshness
from tests.accounts.factories import AdminFactory, StaffFactory, UserFactory
from tests.locations.factories import LocationFactory

# The isolation sweep's counts in the summary, also under pytest-xdist (tests/sweep_summary.py); pytester for its test.
pytest_plugins = ["tests.sweep_summary", "pytester"]


def _environment_lacks(marker: str) -> str | None:
    """Why tests with `marker` cannot run here (None when they can)."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if marker == "postgres" and "postgresql" not in engine:
        return "PostgreSQL (set DATABASE_URL)"
    if marker == "redis" and not settings.REDIS_URL:
        return "Redis (set REDIS_URL)"
    if marker == "e2e" and not (os.environ.get("E2E") and shutil.which("chromium")):
        return "browser journeys (set E2E=1, needs Debian chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect, rather than skip, tests whose services this run lacks.

    `make test` on a bare machine runs the SQLite suite; CI sets DATABASE_URL,
    REDIS_URL and E2E=1 and so runs everything. The reason is printed once.
    """
    keep: list[pytest.Item] = []
    dropped: dict[str, int] = {}
    for item in items:
        missing = next(
            (
                why
                for m in ("postgres", "redis", "e2e")
                if item.get_closest_marker(m) and (why := _environment_lacks(m))
            ),
            None,
        )
        if missing:
            dropped[missing] = dropped.get(missing, 0) + 1
        else:
            keep.append(item)
    if dropped:
        kept = {id(i) for i in keep}
        config.hook.pytest_deselected(items=[i for i in items if id(i) not in kept])
        items[:] = keep
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            for why, count in dropped.items():
                reporter.write_line(f"deselected {count} test(s) that need {why}")


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


# The tests are written in English; the product's default language is Spanish,
# which tests/core/test_languages.py and the browser journeys check on purpose.
TEST_LANGUAGE = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    """pytest-django's `client`, asking for English pages."""
    return Client(**TEST_LANGUAGE)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Throttle counters, axes and availability answers live in caches; no test leaks into another.

    Each test's rollback also rolls the availability version counters back, so the configuration this process
    remembers under them must go too.
    """
    cache.clear()
    freshness.forget()


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
    client = APIClient(**TEST_LANGUAGE)
    if user is not None:
        pair = token_pair_for_login(user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access}")
    return client


def web_client_for(user: User | None) -> Client:
    client = Client(**TEST_LANGUAGE)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def api() -> Any:
    return api_client_for


@pytest.fixture
def web() -> Any:
    return web_client_for
