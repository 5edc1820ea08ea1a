"""The fake provider, for development and tests: a checkout page inside the app that "pays" or "fails".

Its webhooks are signed like Stripe's (`Fake-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`) with a
key derived from SECRET_KEY, and verified the same way, so the endpoint's signature check, idempotency and
effects are exercised exactly as with a real provider.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from autoagenda.deposits.providers import (
    FAILED,
    IGNORED,
    PAID,
    Checkout,
    InvalidSignature,
    WebhookEvent,
)

if TYPE_CHECKING:
    from autoagenda.deposits.models import Deposit

SIGNATURE_HEADER = "Fake-Signature"
TOLERANCE_SECONDS = 300
_KINDS = {"checkout.paid": PAID, "checkout.failed": FAILED}


def _key() -> bytes:
    return salted_hmac("autoagenda.deposits.fake", "webhook", secret=settings.SECRET_KEY).digest()


def sign(payload: bytes, *, timestamp: int | None = None) -> str:
    """The signature header for `payload` (tests sign with it; the checkout page signs what it sends)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(_key(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(*, deposit: Deposit, session_id: str, paid: bool, event_id: str | None = None) -> bytes:
    """What the fake checkout reports: paid or failed, for the deposit's amount."""
    body = {
        "id": event_id or f"evt_fake_{secrets.token_hex(8)}",
        "type": "checkout.paid" if paid else "checkout.failed",
        "session": session_id,
        "deposit": deposit.pk,
        "amount": str(deposit.amount),
        "currency": deposit.currency,
    }
    return json.dumps(body).encode()


def _verify(payload: bytes, header: str | None) -> None:
    if not header:
        raise InvalidSignature("no signature")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, given = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp missing or outside the tolerance")
    expected = sign(payload, timestamp=int(timestamp)).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature("signature mismatch")


class FakeProvider:
    name = "fake"

    def create_checkout(self, *, deposit: Deposit, success_url: str, cancel_url: str) -> Checkout:
        session_id = f"fake_cs_{secrets.token_urlsafe(12)}"
        url = reverse("deposits:fake_checkout", args=[session_id])
        return Checkout(url=url, session_id=session_id)

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        _verify(payload, headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower()))
        try:
            body: Any = json.loads(payload)
        except ValueError as exc:
            raise InvalidSignature("not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise InvalidSignature("not an event")
        try:
            amount = Decimal(str(body.get("amount")))
        except InvalidOperation:
            amount = None
        deposit = body.get("deposit")
        return WebhookEvent(
            event_id=body["id"][:255],
            session_id=str(body.get("session") or "")[:255],
            status=_KINDS.get(str(body.get("type")), IGNORED),
            amount=amount if amount is not None and amount.is_finite() else None,
            currency=str(body.get("currency") or "")[:3].upper(),
            deposit_id=deposit if isinstance(deposit, int) and not isinstance(deposit, bool) else None,
            reference=body["id"][:255],
        )
