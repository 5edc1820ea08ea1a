"""The deposit pages: the pay button, the return page and the fake provider's checkout."""

import pytest

from autoagenda.deposits.models import Deposit, DepositStatus
from autoagenda.scheduling.models import AppointmentStatus

pytestmark = pytest.mark.django_db


def test_the_appointment_page_shows_the_deposit_and_the_pay_button(web, cast, pending):
    page = web(cast.client).get(f"/book/appointments/{pending.appointment_id}/")
    assert page.status_code == 200
    assert b"Pay deposit" in page.content
    assert b"5.000 CLP" in page.content or b"5,000 CLP" in page.content


def test_staff_see_the_deposit_but_no_pay_button(web, cast, pending):
    page = web(cast.receptionist).get(f"/book/appointments/{pending.appointment_id}/")
    assert page.status_code == 200
    assert b"Pay deposit" not in page.content


def test_the_deposit_step_shows_the_amount_and_the_pay_form(web, cast, pending):
    page = web(cast.client).get(f"/deposits/appointments/{pending.appointment_id}/pay/")
    assert page.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in page.content
    assert b"Pay deposit" in page.content


def test_paying_goes_to_the_fake_checkout_and_paying_there_confirms(web, cast, pending):
    client = web(cast.client)
    response = client.post(f"/deposits/appointments/{pending.appointment_id}/pay/")
    assert response.status_code == 302, response.content
    checkout = response["Location"]
    assert checkout.startswith("/deposits/fake-checkout/fake_cs_")
    assert client.get(checkout).status_code == 200
    back = client.post(checkout, {"outcome": "pay"})
    assert back["Location"] == f"/deposits/appointments/{pending.appointment_id}/return/?result=success"
    assert b"your appointment is confirmed" in client.get(back["Location"]).content
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PAID
    assert pending.appointment.status == AppointmentStatus.CONFIRMED


def test_failing_on_the_fake_checkout_keeps_the_booking_waiting(web, cast, pending):
    client = web(cast.client)
    checkout = client.post(f"/deposits/appointments/{pending.appointment_id}/pay/")["Location"]
    back = client.post(checkout, {"outcome": "fail"})
    assert back["Location"].endswith("?result=cancel")
    assert b"Pay deposit" in client.get(back["Location"]).content
    assert Deposit.objects.get(pk=pending.pk).status == DepositStatus.PENDING


def test_an_unknown_fake_session_is_404(web, cast):
    assert web(cast.client).get("/deposits/fake-checkout/fake_cs_nope/").status_code == 404


def test_the_fake_checkout_is_off_with_a_real_provider(web, cast, pending, settings):
    settings.PAYMENTS_PROVIDER = "stripe"
    assert web(cast.client).get("/deposits/fake-checkout/fake_cs_1/").status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("outsider", 404), ("other_manager", 404), ("receptionist", 403)])
def test_only_the_client_pays_from_the_page(web, cast, pending, who, expected):
    response = web(cast.by_name(who)).post(f"/deposits/appointments/{pending.appointment_id}/pay/")
    assert response.status_code == expected
    assert Deposit.objects.get(pk=pending.pk).session_id == "fake_cs_1"


def test_anonymous_is_sent_to_log_in(web, pending):
    response = web(None).post(f"/deposits/appointments/{pending.appointment_id}/pay/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
