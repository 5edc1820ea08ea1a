"""The invoice PDF: fpdf2 with the bundled DejaVu font, in the client's language, opened here with pypdf."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from pypdf import PdfReader

from autoagenda.billing import pdf, services
from autoagenda.billing.models import Invoice
from tests.billing.factories import complete, work_order_with_lines
from tests.customers.factories import VehicleFactory


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_clp_invoice_in_spanish_prints_its_number_total_and_accents(cast: Any, invoice: Invoice) -> None:
    services.payment_record(actor=cast.receptionist, invoice=invoice, amount=Decimal(30000), method="cash")
    invoice.client.language = "es"
    data = pdf.invoice_pdf(invoice)
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "F-2026-000001" in text
    assert "83.300 CLP" in text  # Spanish grouping, no decimals
    assert "Factura" in text
    assert "Descripción" in text
    assert "Parcialmente pagada" in text or "Pagada en parte" in text or "Parcial" in text
    assert "OT-" in text


def test_a_eur_invoice_in_english_prints_cents_and_the_euro_sign_font_has_accents(cast: Any, clock: Any) -> None:
    client = VehicleFactory(owner=cast.outsider).owner
    client.language = "en"
    client.save(update_fields=["language"])
    work_order = work_order_with_lines(
        location=cast.other_location,
        vehicle=client.vehicles.first(),
        labor=(("Revisión de frenos €", "2", "45.50"),),
        parts=(("Pastillas de freno", "1", "38.90"),),
        tax_rate="21",
    )
    invoice = complete(work_order, cast.admin)
    text = _text(pdf.invoice_pdf(invoice))
    assert "F-2026-000001" in text
    assert "157,18 EUR" in text  # (91.00 + 38.90) × 1.21; Madrid writes decimals with a comma
    assert "Invoice" in text
    assert "Revisión de frenos €" in text
    assert "Unpaid" in text


def test_the_pdf_is_in_the_language_asked_for(cast: Any, invoice: Invoice) -> None:
    assert "Invoice" in _text(pdf.invoice_pdf(invoice, language="en"))
    assert "Factura" in _text(pdf.invoice_pdf(invoice, language="es"))


def test_a_cancelled_invoice_says_so_with_its_credit_note(cast: Any, invoice: Invoice) -> None:
    services.invoice_cancel(actor=cast.manager, invoice=invoice, reason="Datos erróneos")
    text = _text(pdf.invoice_pdf(invoice, language="es"))
    assert "NC-2026-000001" in text
    assert "Datos erróneos" in text
