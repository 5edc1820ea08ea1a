"""Who may use each invoice endpoint: every role of the cast × this location / the other one × anonymous.

The invoice is at `cast.location`, for `cast.client`. Staff of the location read it and its PDF; receptionists,
managers and admins record and void payments; managers and admins cancel it; the client reads their own; the other
location's staff and another client get 404; anonymous 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from autoagenda.billing import services
from autoagenda.billing.models import Invoice, Payment
from tests.matrix import ROLES, expect

HIDDEN = {"outsider": 404, "other_manager": 404, "other_receptionist": 404, "other_mechanic": 404}


def table(default: int, anonymous: int = 401, **statuses: int) -> list[Any]:
    return expect({**dict.fromkeys(ROLES, default), **HIDDEN, "anonymous": anonymous, **statuses})


READ = table(200)
PAY = table(201, mechanic=403, client=403)
VOID = table(200, mechanic=403, client=403)
CANCEL = table(200, receptionist=403, mechanic=403, client=403)


def check(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}.get(status)
    if code:
        assert response.json()["code"] == code


def url(invoice: Invoice, tail: str = "") -> str:
    return f"/api/v1/invoices/{invoice.pk}/{tail}"


@pytest.mark.parametrize(("who", "status"), table(200, **dict.fromkeys(HIDDEN, 200)))
def test_the_list_shows_each_caller_what_they_may_see(cast, api, invoice, who, status) -> None:
    response = api(cast.by_name(who)).get("/api/v1/invoices/")
    check(response, status)
    if status == 200:
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([invoice.pk] if who in ("admin", "manager", "receptionist", "mechanic", "client") else [])


@pytest.mark.parametrize(("who", "status"), READ)
def test_read(cast, api, invoice, who, status) -> None:
    check(api(cast.by_name(who)).get(url(invoice)), status)


@pytest.mark.parametrize(("who", "status"), READ)
def test_list_payments(cast, api, invoice, who, status) -> None:
    check(api(cast.by_name(who)).get(url(invoice, "payments/")), status)


@pytest.mark.parametrize(("who", "status"), READ)
def test_pdf(cast, api, invoice, who, status) -> None:
    response = api(cast.by_name(who)).get(url(invoice, "pdf/"))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(("who", "status"), PAY)
def test_record_a_payment(cast, api, invoice, who, status) -> None:
    check(api(cast.by_name(who)).post(url(invoice, "payments/"), {"amount": "1000", "method": "cash"}), status)
    assert Payment.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(("who", "status"), VOID)
def test_void_a_payment(cast, api, invoice, who, status) -> None:
    payment = services.payment_record(actor=cast.admin, invoice=invoice, amount=1000, method="cash")
    check(api(cast.by_name(who)).post(url(invoice, f"payments/{payment.pk}/void/"), {"reason": "Error"}), status)
    payment.refresh_from_db()
    assert payment.is_voided == (status == 200)


@pytest.mark.parametrize(("who", "status"), CANCEL)
def test_cancel(cast, api, invoice, who, status) -> None:
    check(api(cast.by_name(who)).post(url(invoice, "cancel/"), {"reason": "Error"}), status)
    invoice.refresh_from_db()
    assert invoice.is_cancelled == (status == 200)
