"""Stripe: a Checkout Session per attempt, and its webhooks verified with `stripe.Webhook.construct_event`.

Amounts go to Stripe in the currency's minor unit (cents for EUR; CLP and PYG are zero-decimal in Stripe as in
ISO 4217, so 25000 CLP is `unit_amount=25000`). The deposit's id travels as `client_reference_id` and in the
metadata, so a webhook finds its deposit even when the client opened several sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from autoagenda.core import money
from autoagenda.deposits.providers import (
    EXPIRED,
    FAILED,
    IGNORED,
    PAID,
    Checkout,
    InvalidSignature,
    ProviderUnavailable,
    WebhookEvent,
    from_minor_units,
    to_minor_units,
)

if TYPE_CHECKING:
    from autoagenda.deposits.models import Deposit

# Checkout events and what they mean for a deposit. `completed` with payment_status "unpaid" is a delayed
# method (bank debit): the async events say how it ended.
_EVENTS = {
    "checkout.session.completed": PAID,
    "checkout.session.async_payment_succeeded": PAID,
    "checkout.session.async_payment_failed": FAILED,
    "checkout.session.expired": EXPIRED,
}


# Stripe's bounds on a Checkout Session's `expires_at`, with a minute's margin for the request itself.
SESSION_MIN_SECONDS = 31 * 60
SESSION_MAX_SECONDS = 24 * 60 * 60 - 60


def _client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=1,
    )


class StripeProvider:
    name = "stripe"

    def create_checkout(self, *, deposit: Deposit, success_url: str, cancel_url: str) -> Checkout:
        appointment = deposit.appointment
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": str(deposit.pk),
            "metadata": {"deposit": str(deposit.pk), "appointment": str(appointment.pk)},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": deposit.currency.lower(),
                        "unit_amount": to_minor_units(deposit.amount, money.decimals(deposit.currency)),
                        "product_data": {
                            "name": _("Deposit: %(service)s") % {"service": appointment.service.name},
                        },
                    },
                }
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if appointment.client.email:
            params["customer_email"] = appointment.client.email
        # The session lapses with the hold when Stripe allows it (30 minutes to 24 hours after creation), so a
        # client cannot pay on a stale page long after the booking was released.
        remaining = (deposit.hold_until - timezone.now()).total_seconds()
        if SESSION_MIN_SECONDS <= remaining <= SESSION_MAX_SECONDS:
            params["expires_at"] = int(deposit.hold_until.timestamp())
        try:
            session = _client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderUnavailable(str(exc)) from exc
        if not session.url:
            raise ProviderUnavailable("Stripe answered a session without a URL")
        return Checkout(url=session.url, session_id=session.id)

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        signature = headers.get("Stripe-Signature") or headers.get("stripe-signature")
        if not secret or not signature:
            raise InvalidSignature("no signature or no secret")
        try:
            event = stripe.Webhook.construct_event(payload, signature, secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:  # ValueError: not JSON
            raise InvalidSignature(str(exc)) from exc
        status = _EVENTS.get(event.type, IGNORED)
        session: dict[str, Any] = event.data.object.to_dict()  # StripeObjects are not dicts any more (v13+)
        if status == PAID and event.type == "checkout.session.completed" and session.get("payment_status") != "paid":
            status = IGNORED  # a delayed payment: wait for async_payment_succeeded
        currency = str(session.get("currency") or "").upper()
        amount_total = session.get("amount_total")
        amount = (
            from_minor_units(int(amount_total), money.decimals(currency))
            if isinstance(amount_total, int) and currency
            else None
        )
        reference = session.get("client_reference_id") or (session.get("metadata") or {}).get("deposit") or ""
        return WebhookEvent(
            event_id=str(event.id),
            session_id=str(session.get("id") or ""),
            status=status,
            amount=amount,
            currency=currency,
            deposit_id=int(reference) if str(reference).isdigit() else None,
            reference=str(session.get("payment_intent") or ""),
        )
