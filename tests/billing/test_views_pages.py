"""The invoice pages: what they show, the forms' refusals (400, nothing written), the work order's link."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from tests.billing.factories import complete, work_order_with_lines


def test_the_invoice_page_shows_lines_taxes_totals_and_the_forms(cast: Any, web: Any, invoice: Invoice) -> None:
    page = web(cast.receptionist).get(f"/invoices/{invoice.pk}/").content.decode()
    assert "F-2026-000001" in page
    assert "Cambio de pastillas" in page
    assert "83,300 CLP" in page  # English grouping on an English page
    assert "data-payment-form" in page
    assert "data-cancel-form" not in page  # receptionists do not cancel
    assert f"/invoices/{invoice.pk}/pdf/" in page


def test_a_manager_sees_the_cancel_form_and_a_client_no_forms(cast: Any, web: Any, invoice: Invoice) -> None:
    assert "data-cancel-form" in web(cast.manager).get(f"/invoices/{invoice.pk}/").content.decode()
    page = web(cast.client).get(f"/invoices/{invoice.pk}/").content.decode()
    assert "data-payment-form" not in page
    assert "data-cancel-form" not in page
    assert "data-pdf" in page


def test_the_page_is_in_spanish_by_default(cast: Any, invoice: Invoice) -> None:
    from django.test import Client

    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    browser.force_login(cast.manager)
    page = browser.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Factura" in page
    assert "83.300 CLP" in page
    assert "Registrar pago" in page


def test_recording_a_payment_from_the_page(cast: Any, web: Any, invoice: Invoice) -> None:
    response = web(cast.receptionist).post(
        f"/invoices/{invoice.pk}/payments/", {"amount": "83300", "method": "card", "reference": "Voucher 7"}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_an_overpayment_from_the_page_is_shown_and_changes_nothing(cast: Any, web: Any, invoice: Invoice) -> None:
    response = web(cast.receptionist).post(f"/invoices/{invoice.pk}/payments/", {"amount": "90000", "method": "cash"})
    assert response.status_code == 400
    assert "At most 83300." in response.content.decode()
    assert not Payment.objects.exists()


def test_a_bad_amount_from_the_page_is_400(cast: Any, web: Any, invoice: Invoice) -> None:
    response = web(cast.receptionist).post(f"/invoices/{invoice.pk}/payments/", {"amount": "-3", "method": "cash"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_cancelling_from_the_page_shows_the_credit_note(cast: Any, web: Any, invoice: Invoice) -> None:
    response = web(cast.manager).post(f"/invoices/{invoice.pk}/cancel/", {"reason": "Cliente equivocado"}, follow=True)
    page = response.content.decode()
    assert "NC-2026-000001" in page
    assert "Cliente equivocado" in page
    assert "data-payment-form" not in page


def test_cancelling_without_a_reason_is_400(cast: Any, web: Any, invoice: Invoice) -> None:
    assert web(cast.manager).post(f"/invoices/{invoice.pk}/cancel/", {"reason": ""}).status_code == 400
    invoice.refresh_from_db()
    assert not invoice.is_cancelled


def test_a_voided_payment_stays_in_the_history(cast: Any, web: Any, invoice: Invoice) -> None:
    payment = services.payment_record(actor=cast.admin, invoice=invoice, amount=1000, method="cash")
    web(cast.manager).post(f"/invoices/{invoice.pk}/payments/{payment.pk}/void/", {"reason": "Duplicado"})
    page = web(cast.manager).get(f"/invoices/{invoice.pk}/").content.decode()
    assert f'data-payment="{payment.pk}"' in page
    assert "Duplicado" in page


def test_the_work_order_page_links_its_invoice(cast: Any, web: Any, invoice: Invoice) -> None:
    page = web(cast.client).get(f"/work-orders/{invoice.work_order_id}/").content.decode()
    assert f"/invoices/{invoice.pk}/" in page
    assert "data-invoice-link" in page


def test_the_list_filters_by_status_and_counts_its_queries(cast: Any, web: Any, vehicle: Any, invoice: Invoice) -> None:
    browser = web(cast.admin)
    browser.get("/invoices/")
    with CaptureQueriesContext(connection) as one:
        browser.get("/invoices/")
    for _ in range(3):
        complete(work_order_with_lines(location=cast.location, vehicle=vehicle), cast.manager)
    with CaptureQueriesContext(connection) as four:
        page = browser.get("/invoices/").content.decode()
    assert page.count("data-invoice=") == 4
    assert len(four) == len(one)
    services.payment_record(actor=cast.admin, invoice=invoice, amount=83300, method="cash")
    assert browser.get("/invoices/?status=paid").content.decode().count("data-invoice=") == 1
    assert browser.get("/invoices/?status=unpaid").content.decode().count("data-invoice=") == 3
    assert browser.get("/invoices/?date_from=2026-12-02").content.decode().count("data-invoice=") == 0


def test_the_client_finds_their_invoices_in_the_menu(cast: Any, web: Any, invoice: Invoice) -> None:
    page = web(cast.client).get("/").content.decode()
    assert "My invoices" in page


def test_the_legal_data_is_edited_on_the_location_settings_page(cast: Any, web: Any) -> None:
    from tests.locations.helpers import settings_form_data

    browser = web(cast.manager)
    assert 'name="tax_id"' in browser.get(f"/locations/{cast.location.pk}/edit/").content.decode()
    data = settings_form_data(cast.location, legal_name="Servicios Providencia SpA", tax_id="76.000.111-2")
    assert browser.post(f"/locations/{cast.location.pk}/edit/", data).status_code == 302
    cast.location.refresh_from_db()
    assert (cast.location.legal_name, cast.location.tax_id) == ("Servicios Providencia SpA", "76.000.111-2")
