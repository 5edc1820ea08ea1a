"""The Stripe adapter against a local server standing in for api.stripe.com, and real Stripe signatures."""

import json
import time
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
import stripe

from autoagenda.deposits.providers import PAID, InvalidSignature, ProviderUnavailable, from_minor_units, to_minor_units
from autoagenda.deposits.providers.stripe import StripeProvider
from tests.notifications.peers import HttpPeer

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    return settings


def session_answer(url="https://checkout.stripe.com/c/pay/cs_test_1"):
    return {"id": "cs_test_1", "object": "checkout.session", "url": url}


def test_minor_units_follow_the_currency():
    assert to_minor_units(Decimal("12.50"), 2) == 1250
    assert to_minor_units(Decimal("25000"), 0) == 25000  # CLP is zero-decimal in Stripe
    assert from_minor_units(1250, 2) == Decimal("12.50")
    assert from_minor_units(25000, 0) == Decimal("25000")


@pytest.mark.parametrize(("currency", "amount", "unit_amount"), [("CLP", "5000", "5000"), ("EUR", "12.50", "1250")])
def test_a_checkout_session_asks_the_deposit_in_minor_units(stripe_settings, pending, currency, amount, unit_amount):
    pending.currency, pending.amount = currency, Decimal(amount)
    with HttpPeer([(200, session_answer())]) as peer:
        stripe_settings.STRIPE_API_BASE = peer.url
        checkout = StripeProvider().create_checkout(
            deposit=pending, success_url="https://x.test/ok", cancel_url="https://x.test/no"
        )
    assert checkout.url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert checkout.session_id == "cs_test_1"
    request = peer.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.headers["Authorization"] == "Bearer sk_test_123"
    form = dict(parse_qsl(request.body.decode()))
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == currency.lower()
    assert form["line_items[0][price_data][unit_amount]"] == unit_amount
    assert form["line_items[0][quantity]"] == "1"
    assert form["client_reference_id"] == str(pending.pk)
    assert form["success_url"] == "https://x.test/ok"


def test_a_session_lapses_with_a_long_enough_hold(stripe_settings, pending):
    from datetime import timedelta

    from autoagenda.deposits.models import Deposit

    bodies = {}
    for minutes in (30, 120):  # 30: shorter than Stripe's minimum, so Stripe's default applies
        pending.hold_until = pending.created_at + timedelta(minutes=minutes)
        Deposit.objects.filter(pk=pending.pk).update(hold_until=pending.hold_until)
        with HttpPeer([(200, session_answer())]) as peer:
            stripe_settings.STRIPE_API_BASE = peer.url
            StripeProvider().create_checkout(deposit=pending, success_url="https://x/ok", cancel_url="https://x/no")
        bodies[minutes] = dict(parse_qsl(peer.requests[0].body.decode()))
    assert "expires_at" not in bodies[30]
    assert bodies[120]["expires_at"] == str(int(pending.hold_until.timestamp()))


def test_stripe_refusing_the_session_is_provider_unavailable(stripe_settings, pending):
    with HttpPeer([(400, {"error": {"message": "Invalid currency", "type": "invalid_request_error"}})]) as peer:
        stripe_settings.STRIPE_API_BASE = peer.url
        with pytest.raises(ProviderUnavailable):
            StripeProvider().create_checkout(deposit=pending, success_url="https://x/ok", cancel_url="https://x/no")


def _signed(body: dict, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    payload = json.dumps(body)
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return payload.encode(), {"Stripe-Signature": f"t={timestamp},v1={signature}"}


def _completed(**session):
    return {
        "id": "evt_1",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "payment_status": "paid",
                "amount_total": 1250,
                "currency": "eur",
                "client_reference_id": "42",
                "payment_intent": "pi_1",
                **session,
            }
        },
    }


def test_a_signed_completed_session_is_a_payment_in_major_units(stripe_settings):
    payload, headers = _signed(_completed())
    event = StripeProvider().parse_webhook(payload=payload, headers=headers)
    assert (event.event_id, event.session_id, event.status) == ("evt_1", "cs_test_1", PAID)
    assert (event.amount, event.currency, event.deposit_id, event.reference) == (Decimal("12.50"), "EUR", 42, "pi_1")


def test_a_clp_total_is_read_as_whole_pesos(stripe_settings):
    payload, headers = _signed(_completed(amount_total=5000, currency="clp"))
    assert StripeProvider().parse_webhook(payload=payload, headers=headers).amount == Decimal("5000")


def test_a_delayed_payment_is_not_yet_paid(stripe_settings):
    payload, headers = _signed(_completed(payment_status="unpaid"))
    assert StripeProvider().parse_webhook(payload=payload, headers=headers).status == "ignored"


@pytest.mark.parametrize("secret", ["whsec_other", ""])
def test_a_webhook_signed_with_another_secret_is_refused(stripe_settings, secret):
    payload, headers = _signed(_completed(), secret=secret or "x")
    if not secret:
        headers = {}
    with pytest.raises(InvalidSignature):
        StripeProvider().parse_webhook(payload=payload, headers=headers)


def test_the_stripe_endpoint_refuses_a_bad_signature(api, stripe_settings):
    payload, _ = _signed(_completed())
    response = api(None).post(
        "/api/v1/payments/webhook/stripe/",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": "t=1,v1=deadbeef"},
    )
    assert response.status_code == 400


def test_the_stripe_endpoint_confirms_a_signed_payment(api, stripe_settings, pending):
    from autoagenda.deposits.models import Deposit

    Deposit.objects.filter(pk=pending.pk).update(provider="stripe", session_id="cs_test_1")
    payload, headers = _signed(_completed(amount_total=5000, currency="clp", client_reference_id=str(pending.pk)))
    response = api(None).post(
        "/api/v1/payments/webhook/stripe/", data=payload, content_type="application/json", headers=headers
    )
    assert response.json() == {"result": "confirmed"}
    pending.refresh_from_db()
    assert pending.status == "paid"
    assert pending.reference == "pi_1"
