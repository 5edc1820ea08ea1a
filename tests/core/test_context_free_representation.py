"""`ContextFreeRepresentation` (core/api.py) answers what DRF's own per-instance fields answer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework import serializers

from autoagenda.locations.api import LocationSerializer
from tests.locations.factories import LocationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"tax_rate": Decimal("19"), "max_appointments_per_hour": 3, "max_appointments_per_day": None},
        {"tax_rate": None, "currency": "", "email": "taller@example.com", "is_active": False, "phone": ""},
        {"quiet_hours_start": 0, "quiet_hours_end": 1380, "sector": "general", "timezone": "Europe/Madrid"},
    ],
)
def test_a_location_reads_the_same_as_with_drf_s_own_fields(fields):
    location = LocationFactory(**fields)
    serializer = LocationSerializer(location)

    expected = serializers.Serializer.to_representation(serializer, location)  # DRF's path: deep-copied fields
    assert serializer.data == expected
    assert list(serializer.data) == list(expected)  # same keys in the same order
    assert LocationSerializer(location).data == expected  # and again, from the fields built once
