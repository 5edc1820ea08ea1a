"""Who may open each invoice page and post each form: every role × this location / the other one × anonymous.

Anonymous is sent to the login page (302); a successful POST redirects to the invoice (302); the other location's
staff and another client get 404; a role that may not act 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from tests.matrix import ROLES, expect

HIDDEN = {"outsider": 404, "other_manager": 404, "other_receptionist": 404, "other_mechanic": 404}


def table(default: int, anonymous: int = 302, **statuses: int) -> list[Any]:
    return expect({**dict.fromkeys(ROLES, default), **HIDDEN, "anonymous": anonymous, **statuses})


def check(response: Any, status: int, who: str) -> None:
    assert response.status_code == status, response.content[:300]
    if who == "anonymous":
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "status"), table(200, **dict.fromkeys(HIDDEN, 200)))
def test_the_list(cast, web, invoice, who, status) -> None:
    response = web(cast.by_name(who)).get("/invoices/")
    check(response, status, who)
    if status == 200:
        shown = invoice.number.encode() in response.content
        assert shown == (who in ("admin", "manager", "receptionist", "mechanic", "client"))


@pytest.mark.parametrize(("who", "status"), table(200))
def test_the_invoice_page(cast, web, invoice, who, status) -> None:
    check(web(cast.by_name(who)).get(f"/invoices/{invoice.pk}/"), status, who)


@pytest.mark.parametrize(("who", "status"), table(200))
def test_the_pdf(cast, web, invoice, who, status) -> None:
    response = web(cast.by_name(who)).get(f"/invoices/{invoice.pk}/pdf/")
    check(response, status, who)
    if status == 200:
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(("who", "status"), table(302, mechanic=403, client=403))
def test_recording_a_payment(cast, web, invoice, who, status) -> None:
    response = web(cast.by_name(who)).post(f"/invoices/{invoice.pk}/payments/", {"amount": "1000", "method": "cash"})
    check(response, status, who)
    assert Payment.objects.count() == (1 if status == 302 and who != "anonymous" else 0)


@pytest.mark.parametrize(("who", "status"), table(302, mechanic=403, client=403))
def test_voiding_a_payment(cast, web, invoice, who, status) -> None:
    payment = services.payment_record(actor=cast.admin, invoice=invoice, amount=1000, method="cash")
    response = web(cast.by_name(who)).post(f"/invoices/{invoice.pk}/payments/{payment.pk}/void/", {"reason": "x"})
    check(response, status, who)
    payment.refresh_from_db()
    assert payment.is_voided == (status == 302 and who != "anonymous")


@pytest.mark.parametrize(("who", "status"), table(302, receptionist=403, mechanic=403, client=403))
def test_cancelling(cast, web, invoice, who, status) -> None:
    response = web(cast.by_name(who)).post(f"/invoices/{invoice.pk}/cancel/", {"reason": "x"})
    check(response, status, who)
    assert Invoice.objects.get().is_cancelled == (status == 302 and who != "anonymous")
