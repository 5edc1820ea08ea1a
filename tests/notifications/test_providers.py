"""The provider adapters against a local HTTP server that records the requests the real SDKs make (Brevo through
django-anymail and its SMS API through requests, Twilio through its official SDK): no SDK is mocked.
A 4xx refuses the message (failed, not retried), a 5xx or a timeout is retried."""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from autoagenda.notifications.models import Delivery
from autoagenda.notifications.services import Attachment, Contact, notification_enqueue
from autoagenda.notifications.worker import Worker
from tests.accounts.factories import UserFactory
from tests.notifications.peers import HttpPeer

ACCOUNT = "AC" + "0" * 32
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/Santiago"))
TWILIO_CREATED = (201, {"sid": "SM" + "1" * 32, "status": "queued"})


@pytest.fixture(autouse=True)
def daytime():
    """Noon: text messages are not held back by quiet hours (the clock still ticks for the HTTP timeouts)."""
    with time_machine.travel(NOON):
        yield


def _run():
    worker = Worker(sweeps_enabled=False)
    worker.run_once()
    worker.transports.close()


def _phone_user(**prefs):
    return UserFactory(phone="+56987654321", notify_email=False, language="en", **prefs)


# --- Brevo email (django-anymail) ---------------------------------------------------------------------------


@pytest.fixture
def brevo_email(settings):
    def start(answers):
        peer = HttpPeer(answers).__enter__()
        settings.EMAIL_PROVIDER = "brevo"
        settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
        settings.ANYMAIL = {"BREVO_API_KEY": "test-key", "BREVO_API_URL": f"{peer.url}/v3/"}
        started.append(peer)
        return peer

    started: list[HttpPeer] = []
    yield start
    for peer in started:
        peer.__exit__()


def test_brevo_email_gets_text_html_attachment_and_the_idempotency_key(db, brevo_email):
    peer = brevo_email([(201, {"messageId": "<202612011200.1@smtp-relay.mailin.fr>"})])
    user = UserFactory(email="ana@example.com", first_name="Ana", language="en")
    notification_enqueue(
        event_key="test:brevo",
        recipient=user,
        template="test_message",
        attachments=[Attachment("cita.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    _run()
    [request] = peer.requests
    body = request.json()
    delivery = Delivery.objects.get()
    assert (request.method, request.path, request.headers["api-key"]) == ("POST", "/v3/smtp/email", "test-key")
    assert body["to"] == [{"email": "ana@example.com", "name": "Ana"}]
    assert body["subject"] == "Test message from AutoAgenda"
    assert "This is a test message" in body["textContent"]
    assert "<html" in body["htmlContent"]
    assert body["headers"]["idempotencyKey"] == str(delivery.key)
    assert body["attachment"][0]["name"] == "cita.ics"
    assert base64.b64decode(body["attachment"][0]["content"]).startswith(b"BEGIN:VCALENDAR")
    assert (delivery.status, delivery.provider_message_id) == ("sent", "<202612011200.1@smtp-relay.mailin.fr>")


def test_brevo_email_refused_with_400_fails_without_retry(db, brevo_email):
    brevo_email([(400, {"code": "invalid_parameter", "message": "email is not valid in to"})])
    notification_enqueue(event_key="test:brevo", recipient=UserFactory(), template="test_message")
    _run()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "HTTP 400" in delivery.last_error


def test_brevo_email_answering_503_is_retried(db, brevo_email):
    brevo_email([(503, {"message": "maintenance"})])
    notification_enqueue(event_key="test:brevo", recipient=UserFactory(), template="test_message")
    _run()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "HTTP 503" in delivery.last_error


# --- Brevo SMS (its HTTP API) ------------------------------------------------------------------------------------


@pytest.fixture
def brevo_sms(settings):
    peers: list[HttpPeer] = []

    def start(answers):
        peer = HttpPeer(answers).__enter__()
        settings.SMS_PROVIDER = "brevo"
        settings.BREVO_API_KEY = "test-key"
        settings.BREVO_API_URL = f"{peer.url}/v3/"
        settings.BREVO_SMS_SENDER = "Taller"
        peers.append(peer)
        return peer

    yield start
    for peer in peers:
        peer.__exit__()


def test_brevo_sms_posts_the_text_to_the_transactional_sms_api(db, brevo_sms):
    peer = brevo_sms([(201, {"reference": "ab1cde2fgh3i4jklmno", "messageId": 1511882900176220, "smsCount": 1})])
    notification_enqueue(event_key="test:sms", recipient=_phone_user(notify_sms=True), template="test_message")
    _run()
    [request] = peer.requests
    assert (request.path, request.headers["api-key"]) == ("/v3/transactionalSMS/sms", "test-key")
    body = request.json()
    assert (body["sender"], body["recipient"], body["type"]) == ("Taller", "56987654321", "transactional")
    assert body["content"].startswith("AutoAgenda: this is a test message.")
    assert Delivery.objects.get().provider_message_id == "1511882900176220"


@pytest.mark.parametrize(("status", "outcome"), [(400, "failed"), (401, "failed"), (429, "queued"), (502, "queued")])
def test_brevo_sms_errors_are_final_for_4xx_and_retried_for_5xx_and_429(db, brevo_sms, status, outcome):
    brevo_sms([(status, {"code": "error", "message": "nope"})])
    notification_enqueue(event_key="test:sms", recipient=_phone_user(notify_sms=True), template="test_message")
    _run()
    delivery = Delivery.objects.get()
    assert delivery.status == outcome
    assert f"HTTP {status}" in delivery.last_error


# --- Twilio (official SDK) ------------------------------------------------------------------------------------


@pytest.fixture
def twilio(settings):
    peers: list[HttpPeer] = []

    def start(answers):
        peer = HttpPeer(answers).__enter__()
        settings.SMS_PROVIDER = settings.WHATSAPP_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT
        settings.TWILIO_AUTH_TOKEN = "secret-token"
        settings.TWILIO_SMS_FROM = "+15005550006"
        settings.TWILIO_WHATSAPP_FROM = "+14155238886"
        settings.TWILIO_API_BASE_URL = peer.url
        peers.append(peer)
        return peer

    yield start
    for peer in peers:
        peer.__exit__()


def test_twilio_sms_goes_through_the_sdk_with_basic_auth(db, twilio):
    peer = twilio([TWILIO_CREATED])
    notification_enqueue(event_key="test:sms", recipient=_phone_user(notify_sms=True), template="test_message")
    _run()
    [request] = peer.requests
    assert (request.method, request.path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json")
    credentials = base64.b64decode(request.headers["Authorization"].split()[1]).decode()
    assert credentials == f"{ACCOUNT}:secret-token"
    form = request.form()
    assert (form["To"], form["From"]) == ("+56987654321", "+15005550006")
    assert form["Body"].startswith("AutoAgenda: this is a test message.")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.provider_message_id) == ("sent", "SM" + "1" * 32)


def test_twilio_whatsapp_uses_whatsapp_addresses(db, twilio):
    peer = twilio([TWILIO_CREATED])
    notification_enqueue(event_key="test:wa", recipient=_phone_user(notify_whatsapp=True), template="test_message")
    _run()
    form = peer.requests[0].form()
    assert (form["To"], form["From"]) == ("whatsapp:+56987654321", "whatsapp:+14155238886")


def test_twilio_refusing_a_number_fails_that_message_only(db, twilio):
    twilio(
        [
            (400, {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}),
            TWILIO_CREATED,
        ]
    )
    notification_enqueue(
        event_key="test:a", recipient=Contact(phone="+56987654321"), template="test_message", channels=["sms"]
    )
    notification_enqueue(
        event_key="test:b", recipient=Contact(phone="+56987654322"), template="test_message", channels=["sms"]
    )
    _run()
    rows = dict(Delivery.objects.values_list("address", "status"))
    assert rows == {"+56987654321": "failed", "+56987654322": "sent"}
    assert "21211" in Delivery.objects.get(address="+56987654321").last_error


def test_twilio_answering_500_is_retried(db, twilio):
    twilio([(500, {"code": 20500, "message": "Internal Server Error", "status": 500})])
    notification_enqueue(event_key="test:sms", recipient=_phone_user(notify_sms=True), template="test_message")
    _run()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)


def test_twilio_unreachable_is_retried(db, twilio, settings):
    peer = twilio([TWILIO_CREATED])
    peer.__exit__()  # stopped before the worker calls it
    settings.TWILIO_API_BASE_URL = peer.url
    notification_enqueue(event_key="test:sms", recipient=_phone_user(notify_sms=True), template="test_message")
    _run()
    delivery = Delivery.objects.get()
    assert delivery.status == "queued"
    assert "Twilio unreachable" in delivery.last_error
