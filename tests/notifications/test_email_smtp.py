"""Email through a real SMTP server (aiosmtpd): plain text + HTML + attachments, the delivery's Message-ID;
5xx refusals fail the row, 4xx deferrals are retried."""

from __future__ import annotations

import pytest

from autoagenda.notifications.models import Delivery
from autoagenda.notifications.services import Attachment, notification_enqueue
from autoagenda.notifications.worker import Worker
from tests.accounts.factories import UserFactory
from tests.notifications.peers import SmtpSink


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def _send() -> Worker:
    worker = Worker(sweeps_enabled=False)
    worker.run_once()
    worker.transports.close()
    return worker


def test_an_email_arrives_with_text_html_and_its_attachment(db, sink):
    user = UserFactory(email="ana@example.com", first_name="Ana", language="en")
    notification_enqueue(
        event_key="test:smtp",
        recipient=user,
        template="test_message",
        attachments=[Attachment("cita.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    _send()
    [message] = sink.messages
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.provider_message_id) == ("sent", str(message["Message-ID"]))
    assert message["Message-ID"] == f"<{delivery.key}@127.0.0.1>"
    assert message["X-AutoAgenda-Delivery"] == str(delivery.key)
    assert message["To"] == "Ana <ana@example.com>"
    assert message["Subject"] == "Test message from AutoAgenda"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "This is a test message" in text
    assert '<html lang="en">' in html
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == ("cita.ics", "text/calendar")


def test_one_connection_carries_a_whole_batch(db, sink):
    for n in range(5):
        notification_enqueue(event_key=f"test:{n}", recipient=UserFactory(), template="test_message")
    _send()
    assert len(sink.messages) == 5
    assert sink.sessions == 1


def test_a_recipient_refused_with_5xx_fails_that_row_only(db, sink):
    sink.refuse_rcpt["nobody@example.com"] = "550 5.1.1 No such user"
    notification_enqueue(event_key="test:a", recipient=UserFactory(email="nobody@example.com"), template="test_message")
    notification_enqueue(event_key="test:b", recipient=UserFactory(email="ana@example.com"), template="test_message")
    _send()
    rows = dict(Delivery.objects.values_list("address", "status"))
    assert rows == {"nobody@example.com": "failed", "ana@example.com": "sent"}
    error = Delivery.objects.get(address="nobody@example.com").last_error
    assert "550" in error
    assert "No such user" in error
    assert len(sink.messages) == 1


def test_a_4xx_deferral_is_retried_not_failed(db, sink):
    sink.refuse_data = "451 4.3.0 Mailbox busy, try again later"
    notification_enqueue(event_key="test:busy", recipient=UserFactory(), template="test_message")
    _send()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "451" in delivery.last_error


def test_a_mail_server_that_is_down_is_retried(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", SmtpSink().port  # nobody listens there
    notification_enqueue(event_key="test:down", recipient=UserFactory(), template="test_message")
    _send()
    delivery = Delivery.objects.get()
    assert delivery.status == "queued"
    assert "unreachable" in delivery.last_error


def test_an_invitation_travels_as_text_calendar_with_its_method(db, sink):
    invitation = Attachment(
        "appointment-1.ics", "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST"
    )
    notification_enqueue(
        event_key="test:ics", recipient=UserFactory(), template="test_message", attachments=[invitation]
    )
    _send()
    [attachment] = list(sink.messages[0].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in attachment.get_content()
