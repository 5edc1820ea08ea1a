"""The webhook: signature checked, each event counted once, a paid deposit confirms its booking."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from autoagenda.core.errors import ApplicationError
from autoagenda.deposits import services
from autoagenda.deposits.models import Deposit, DepositEvent, DepositStatus
from autoagenda.deposits.selectors import paid_deposit_for_appointment
from autoagenda.notifications.models import Delivery
from autoagenda.scheduling.models import AppointmentStatus, AppointmentStatusChange
from tests.deposits.helpers import fake_webhook

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/webhook/fake/"


def post(api, payload, headers):
    return api(None).post(URL, data=payload, content_type="application/json", headers=headers)


def test_a_paid_event_confirms_the_booking_and_tells_the_client(api, cast, pending):
    payload, headers = fake_webhook(pending)
    response = post(api, payload, headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"result": "confirmed"}
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PAID
    assert pending.paid_amount == Decimal("5000")
    assert pending.appointment.status == AppointmentStatus.CONFIRMED
    change = AppointmentStatusChange.objects.filter(appointment=pending.appointment).latest("pk")
    assert (change.from_status, change.to_status, change.note) == ("pending", "confirmed", "Deposit paid online")
    assert Delivery.objects.filter(template="appointment_booked", recipient=cast.client).exists()


def test_the_same_event_twice_records_one_payment(api, pending):
    payload, headers = fake_webhook(pending)
    assert post(api, payload, headers).json() == {"result": "confirmed"}
    assert post(api, payload, headers).json() == {"result": "duplicate"}
    assert DepositEvent.objects.count() == 1
    assert AppointmentStatusChange.objects.filter(to_status="confirmed").count() == 1


def test_a_bad_signature_is_400_and_writes_nothing(api, pending):
    payload, headers = fake_webhook(pending)
    headers["Fake-Signature"] = headers["Fake-Signature"][:-4] + "0000"
    response = post(api, payload, headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "signature" in response.json()["errors"]
    assert not DepositEvent.objects.exists()
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PENDING


@pytest.mark.parametrize("headers", [{}, {"Fake-Signature": "garbage"}, {"Fake-Signature": "t=abc,v1=00"}])
def test_a_missing_or_malformed_signature_is_400(api, pending, headers):
    assert post(api, b"{}", headers).status_code == 400
    assert not DepositEvent.objects.exists()


def test_a_body_that_is_not_json_is_400(api, pending):
    from autoagenda.deposits.providers import fake

    payload = b"\xff\xfe not json"
    assert post(api, payload, {"Fake-Signature": fake.sign(payload)}).status_code == 400


def test_an_unknown_provider_is_404(api):
    assert (
        api(None).post("/api/v1/payments/webhook/paypal/", data=b"{}", content_type="application/json").status_code
        == 404
    )


def test_a_failed_payment_leaves_the_booking_waiting(api, pending):
    payload, headers = fake_webhook(pending, paid=False)
    assert post(api, payload, headers).json() == {"result": "failed"}
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PENDING
    assert pending.appointment.status == AppointmentStatus.PENDING


def test_a_payment_after_the_release_is_recorded_and_flagged_for_refund(api, cast, pending, frozen):
    frozen.shift(timedelta(minutes=31))
    services.release_unpaid(timezone.now())
    payload, headers = fake_webhook(pending)
    assert post(api, payload, headers).json() == {"result": "refund_due"}
    pending.refresh_from_db()
    assert pending.status == DepositStatus.REFUND_DUE
    assert pending.paid_amount == Decimal("5000")
    assert pending.appointment.status == AppointmentStatus.CANCELLED
    assert paid_deposit_for_appointment(pending.appointment_id) is None
    # The location's manager and receptionist hear it must be refunded, in the app.
    from autoagenda.notifications.models import InAppNotification

    told = set(InAppNotification.objects.filter(kind="deposit_refund_due").values_list("user__email", flat=True))
    assert told == {cast.manager.email, cast.receptionist.email}


def test_an_event_for_no_deposit_is_answered_and_ignored(api, pending):
    Deposit.objects.filter(pk=pending.pk).update(session_id="other")
    pending.pk = 999999
    pending.session_id = "nobody"
    payload, headers = fake_webhook(pending)
    assert post(api, payload, headers).json() == {"result": "unknown_deposit"}
    assert not DepositEvent.objects.exists()


def test_the_selector_gives_billing_the_paid_deposit(api, pending):
    assert paid_deposit_for_appointment(pending.appointment_id) is None
    payload, headers = fake_webhook(pending, event_id="evt_billing")
    post(api, payload, headers)
    paid = paid_deposit_for_appointment(pending.appointment_id)
    assert paid is not None
    assert (paid.amount, paid.currency, paid.reference) == (Decimal("5000"), "CLP", "evt_billing")


def test_the_service_refuses_a_bad_signature_with_invalid(pending):
    payload, _headers = fake_webhook(pending)
    with pytest.raises(ApplicationError) as info:
        services.webhook_receive(provider="fake", payload=payload, headers={"Fake-Signature": "t=1,v1=00"})
    assert info.value.code == "invalid"
