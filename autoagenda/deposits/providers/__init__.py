"""Payment providers: how a deposit is paid online. One small protocol, two adapters.

`create_checkout` opens a hosted checkout for a deposit and answers where to send the client and the provider's
session id; `parse_webhook` verifies a webhook's signature (raising `InvalidSignature`, so nothing is written)
and reads what happened. `stripe` is the real one (Checkout Session + signed webhooks, the official SDK);
`fake` is for development and tests (its own checkout page in the app). `PAYMENTS_PROVIDER` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from autoagenda.deposits.models import Deposit

PROVIDERS = ("fake", "stripe")


class InvalidSignature(Exception):
    """The webhook was not signed by the provider with our secret (or is not its format at all)."""


class ProviderUnavailable(Exception):
    """The provider did not answer or refused to open a checkout; the client may try again."""


# What a webhook event says happened to a checkout.
PAID = "paid"
FAILED = "failed"
EXPIRED = "expired"
IGNORED = "ignored"  # an event type we do not act on


@dataclass(frozen=True)
class Checkout:
    url: str
    session_id: str


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    session_id: str
    status: str  # PAID, FAILED, EXPIRED or IGNORED
    amount: Decimal | None  # in major units of `currency`
    currency: str
    deposit_id: int | None  # the reference we gave the checkout
    reference: str = ""  # the provider's payment id, for the books


class PaymentProvider(Protocol):
    name: str

    def create_checkout(self, *, deposit: Deposit, success_url: str, cancel_url: str) -> Checkout: ...

    def parse_webhook(self, *, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent: ...


def to_minor_units(amount: Decimal, decimals: int) -> int:
    """`12.50` EUR → 1250; `25000` CLP (zero-decimal in Stripe too) → 25000."""
    return int((amount * (Decimal(10) ** decimals)).to_integral_value())


def from_minor_units(value: int, decimals: int) -> Decimal:
    return (Decimal(value) / (Decimal(10) ** decimals)).quantize(Decimal(1).scaleb(-decimals))


def get_provider(name: str | None = None) -> PaymentProvider:
    """The adapter called `name` (default: settings.PAYMENTS_PROVIDER); an unknown name is a LookupError."""
    name = name or settings.PAYMENTS_PROVIDER
    if name == "stripe":
        from autoagenda.deposits.providers.stripe import StripeProvider

        return StripeProvider()
    if name == "fake":
        from autoagenda.deposits.providers.fake import FakeProvider

        return FakeProvider()
    raise LookupError(name)
