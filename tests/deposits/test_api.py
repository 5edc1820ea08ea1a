"""GET /api/v1/appointments/{id}/deposit/ and POST …/deposit/checkout/: who may, and what they get."""

import pytest

from autoagenda.deposits.models import Deposit, DepositStatus
from autoagenda.locations.models import DepositMode
from tests.deposits.helpers import fake_webhook

pytestmark = pytest.mark.django_db


def url(deposit, suffix=""):
    return f"/api/v1/appointments/{deposit.appointment_id}/deposit/{suffix}"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("client", 200),
        ("admin", 200),
        ("manager", 200),
        ("receptionist", 200),
        ("mechanic", 200),
        ("outsider", 404),
        ("other_manager", 404),
        ("other_receptionist", 404),
        ("anonymous", 401),
    ],
)
def test_who_reads_a_deposit(api, cast, pending, who, expected):
    response = api(cast.by_name(who)).get(url(pending))
    assert response.status_code == expected, response.content


def test_the_deposit_reads_in_the_currency_with_its_hold(api, cast, pending):
    body = api(cast.client).get(url(pending)).json()
    assert body == {
        "appointment": pending.appointment_id,
        "amount": "5000",
        "currency": "CLP",
        "status": "pending",
        "provider": "fake",
        "hold_until": "2026-11-30T08:30:00-03:00",
        "paid_at": None,
        "paid_amount": None,
    }


def test_an_appointment_without_a_deposit_is_404(api, cast, service):
    from tests.deposits.helpers import TUESDAY, at
    from tests.scheduling.factories import AppointmentFactory

    appointment = AppointmentFactory(location=cast.location, service=service, client=cast.client, start=at(TUESDAY, 9))
    assert api(cast.client).get(f"/api/v1/appointments/{appointment.pk}/deposit/").status_code == 404


def test_an_id_that_is_no_appointment_is_404(api, cast):
    assert api(cast.client).get("/api/v1/appointments/999999/deposit/").status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("client", 200),
        ("admin", 403),
        ("manager", 403),
        ("receptionist", 403),
        ("mechanic", 403),
        ("outsider", 404),
        ("other_manager", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_client_opens_a_checkout(api, cast, pending, who, expected):
    response = api(cast.by_name(who)).post(url(pending, "checkout/"))
    assert response.status_code == expected, response.content


def test_the_checkout_answers_the_fake_providers_page(api, cast, pending):
    response = api(cast.client).post(url(pending, "checkout/"))
    pending.refresh_from_db()
    assert response.json() == {"url": f"http://127.0.0.1:8000/deposits/fake-checkout/{pending.session_id}/"}
    assert pending.session_id.startswith("fake_cs_")


def test_a_paid_deposit_cannot_be_checked_out_again(api, cast, pending):
    payload, headers = fake_webhook(pending)
    api(None).post("/api/v1/payments/webhook/fake/", data=payload, content_type="application/json", headers=headers)
    response = api(cast.client).post(url(pending, "checkout/"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Deposit.objects.get(pk=pending.pk).status == DepositStatus.PAID


def test_the_location_api_sets_and_validates_the_deposit_rule(api, cast):
    path = f"/api/v1/locations/{cast.location.pk}/"
    manager = api(cast.manager)
    ok = manager.patch(
        path, {"deposit_mode": "fixed", "deposit_amount": "10000", "deposit_hold_minutes": 45}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert (ok.json()["deposit_mode"], ok.json()["deposit_amount"], ok.json()["deposit_hold_minutes"]) == (
        "fixed",
        "10000",
        45,
    )
    for body, field in [
        ({"deposit_mode": "fixed", "deposit_amount": None}, "deposit_amount"),
        ({"deposit_mode": "fixed", "deposit_amount": "10.5"}, "deposit_amount"),  # CLP has no decimals
        ({"deposit_mode": "percent", "deposit_percent": None}, "deposit_percent"),
        ({"deposit_mode": "percent", "deposit_percent": 101}, "deposit_percent"),
        ({"deposit_mode": "sometimes"}, "deposit_mode"),
        ({"deposit_hold_minutes": 1}, "deposit_hold_minutes"),
    ]:
        response = manager.patch(path, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    cast.location.refresh_from_db()
    assert (cast.location.deposit_mode, cast.location.deposit_amount) == (DepositMode.FIXED, 10000)


def test_the_location_settings_page_edits_the_deposit(web, cast):
    page = web(cast.manager).get(f"/locations/{cast.location.pk}/edit/")
    assert page.status_code == 200
    assert b'name="deposit_mode"' in page.content
