"""Ids named in a request body resolve through the app's permission function (core.api.ScopedPrimaryKeyRelatedField):
an id the caller may not see gets exactly the answer of an id that does not exist, and an id that cannot exist
(0, past 64 bits, not a number) is a 400, never a 500.
"""

from __future__ import annotations

import pytest

from autoagenda.accounts.models import User
from autoagenda.catalog.models import Service
from tests.accounts.factories import StaffFactory
from tests.locations.factories import LocationFactory

MISSING = 987654
STRONG = "una-clave-bastante-larga-2026"


def same_error(hidden, missing, field, hidden_id):
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"][field] == [
        message.replace(str(MISSING), str(hidden_id)) for message in missing.json()["errors"][field]
    ]


def staff_body(**changes):
    return {
        "email": "pedro@example.com",
        "first_name": "Pedro",
        "last_name": "Soto",
        "role": "mechanic",
        "password": STRONG,
        **changes,
    }


def service_body(cast, **changes):
    return {"name": "Frenos", "duration_minutes": 60, "price": "25000", "locations": [cast.location.pk], **changes}


@pytest.fixture
def closed_elsewhere(db):
    """A location the cast's manager does not work at and that is not open: nobody outside it may know of it."""
    return LocationFactory(name="Taller cerrado", is_active=False)


def test_staff_at_a_closed_location_elsewhere_answers_like_a_missing_location(cast, api, closed_elsewhere):
    client = api(cast.manager)
    hidden = client.post("/api/v1/staff/", staff_body(locations=[closed_elsewhere.pk]), format="json")
    missing = client.post("/api/v1/staff/", staff_body(locations=[MISSING]), format="json")
    same_error(hidden, missing, "locations", closed_elsewhere.pk)
    assert not User.objects.filter(email="pedro@example.com").exists()


def test_an_open_location_elsewhere_may_be_named_and_is_refused_by_the_rule(cast, api):
    """Open locations are public (anyone books there): naming one tells nothing, the manager's role is the 403."""
    response = api(cast.manager).post("/api/v1/staff/", staff_body(locations=[cast.other_location.pk]), format="json")
    assert response.status_code == 403


def test_a_service_with_another_location_s_mechanic_answers_like_a_missing_mechanic(cast, api):
    client = api(cast.manager)
    hidden = client.post("/api/v1/services/", service_body(cast, mechanics=[cast.other_mechanic.pk]), format="json")
    missing = client.post("/api/v1/services/", service_body(cast, mechanics=[MISSING]), format="json")
    same_error(hidden, missing, "mechanics", cast.other_mechanic.pk)
    assert not Service.objects.exists()


def test_a_service_at_a_closed_location_elsewhere_answers_like_a_missing_location(cast, api, closed_elsewhere):
    client = api(cast.manager)
    hidden = client.post("/api/v1/services/", service_body(cast, locations=[closed_elsewhere.pk]), format="json")
    missing = client.post("/api/v1/services/", service_body(cast, locations=[MISSING]), format="json")
    same_error(hidden, missing, "locations", closed_elsewhere.pk)


def test_working_hours_at_a_closed_location_elsewhere_answer_like_a_missing_location(cast, api, closed_elsewhere):
    mechanic = StaffFactory(role="mechanic", location=[cast.location, closed_elsewhere])
    url = f"/api/v1/staff/{mechanic.pk}/working-hours/"
    client = api(cast.manager)
    hidden = client.put(url, [{"location": closed_elsewhere.pk, "weekday": 1, "start": "09:00", "end": "13:00"}])
    missing = client.put(url, [{"location": MISSING, "weekday": 1, "start": "09:00", "end": "13:00"}])
    same_error(hidden, missing, "0.location", closed_elsewhere.pk)


def test_an_application_at_a_closed_location_answers_like_a_missing_one(cast, api, closed_elsewhere):
    client = api(cast.client)
    hidden = client.post("/api/v1/professional-applications/", {"location": closed_elsewhere.pk}, format="json")
    missing = client.post("/api/v1/professional-applications/", {"location": MISSING}, format="json")
    same_error(hidden, missing, "location", closed_elsewhere.pk)


@pytest.mark.parametrize("value", [0, -1, 2**63, 10**20, "abc", "", True, 1.5, None, [1], {"id": 1}])
def test_an_id_that_cannot_exist_is_a_field_error_not_a_500(cast, api, value):
    response = api(cast.admin).post("/api/v1/services/", service_body(cast, mechanics=[value]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["mechanics"]
