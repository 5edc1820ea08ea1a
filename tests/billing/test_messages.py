"""The client's messages: the invoice by email with its PDF (built when the worker sends it, through a real SMTP
server) and in-app; the paid-in-full message. Written in the billing transaction: a refused one sends nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from autoagenda.billing import services
from autoagenda.billing.models import Invoice
from autoagenda.notifications.models import Delivery, InAppNotification
from autoagenda.notifications.worker import Worker
from tests.notifications.peers import SmtpSink


@pytest.fixture
def sink(settings: Any) -> Any:
    with SmtpSink() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def _send() -> None:
    worker = Worker(sweeps_enabled=False)
    worker.run_once()
    worker.transports.close()


def test_issuing_enqueues_the_invoice_email_and_the_inbox_item(cast: Any, invoice: Invoice) -> None:
    delivery = Delivery.objects.get(template="invoice_issued")
    assert (delivery.recipient, delivery.channel) == (cast.client, "email")
    assert delivery.attachments == [{"builder": "billing.invoice_pdf", "params": {"invoice": invoice.pk}}]
    assert InAppNotification.objects.filter(user=cast.client, title__contains=invoice.number).exists()


def test_the_email_arrives_with_the_pdf_in_the_clients_language(cast: Any, invoice: Invoice, sink: Any) -> None:
    cast.client.language = "es"
    cast.client.save(update_fields=["language"])
    Delivery.objects.filter(template="invoice_issued").update(language="es")
    _send()
    [message] = [m for m in sink.messages if "F-2026-000001" in str(m["Subject"])]
    assert message["Subject"] == f"Factura F-2026-000001 de {cast.location.name}"
    assert "83300 CLP" in message.get_body(preferencelist=("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == ("F-2026-000001.pdf", "application/pdf")
    text = PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "Factura F-2026-000001" in text
    assert "Descripción" in text
    assert Delivery.objects.get(template="invoice_issued").status == "sent"


def test_the_pdf_is_built_at_sending_and_shows_the_payments_by_then(cast: Any, invoice: Invoice, sink: Any) -> None:
    services.payment_record(actor=cast.receptionist, invoice=invoice, amount=Decimal(83300), method="card")
    _send()
    issued = next(m for m in sink.messages if "Factura F-2026-000001 de" in str(m["Subject"]))  # the client's: es
    [attachment] = list(issued.iter_attachments())
    assert "Estado de pago: Pagada" in PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert any("está pagada" in str(m["Subject"]) for m in sink.messages)


def test_paying_in_full_tells_the_client_once(cast: Any, invoice: Invoice) -> None:
    services.payment_record(actor=cast.receptionist, invoice=invoice, amount=Decimal(50000), method="cash")
    assert not Delivery.objects.filter(template="invoice_paid").exists()
    services.payment_record(actor=cast.receptionist, invoice=invoice, amount=Decimal(33300), method="cash")
    assert Delivery.objects.filter(template="invoice_paid", channel="email").count() == 1


def test_a_refused_payment_sends_nothing(cast: Any, invoice: Invoice) -> None:
    from autoagenda.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.payment_record(actor=cast.receptionist, invoice=invoice, amount=Decimal(99999), method="cash")
    assert not Delivery.objects.filter(template="invoice_paid").exists()
