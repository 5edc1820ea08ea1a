"""Mileage is shown thousands-grouped in the active language wherever it appears: 45.000 km / 45,000 km."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from autoagenda.core.templatetags.units import km
from tests.customers.factories import VehicleFactory

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("es", 45000, f"45.000{NBSP}km"),
        ("en", 45000, f"45,000{NBSP}km"),
        ("es", 1234567, f"1.234.567{NBSP}km"),
        ("es", 999, f"999{NBSP}km"),
        ("en", "85000", f"85,000{NBSP}km"),
        ("es", None, "—"),
        ("es", "", "—"),
        ("en", "abc", "—"),
    ],
)
def test_km_groups_thousands_as_the_language_writes_them(language, value, shown) -> None:
    with translation.override(language):
        assert km(value) == shown


@pytest.mark.parametrize(("language", "shown"), [("es", "45.000"), ("en", "45,000")])
def test_the_vehicle_list_shows_the_mileage_grouped(cast, language, shown) -> None:
    vehicle = VehicleFactory(owner=cast.client, mileage=45000)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(vehicle.owner, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("customers:list")).content.decode()
    assert f"{shown}{NBSP}km" in html
