"""How a rendered message leaves: one transport per channel, chosen by the environment.

    email     Django's email: EMAIL_URL (SMTP, console) or a provider API through django-anymail (EMAIL_PROVIDER)
    sms       SMS_PROVIDER: console (development), twilio, brevo
    whatsapp  WHATSAPP_PROVIDER: console (development), twilio

A transport returns the provider's message id, or raises `PermanentError` (the provider refused this message:
bad address, 4xx; it is not retried) or `TransientError` (timeout, 5xx, connection: retried with backoff).
Anything else it raises counts as transient. CONTRIBUTING.md has the recipe for adding a channel.
"""

from __future__ import annotations

from typing import Protocol

from autoagenda.notifications.models import Channel, Delivery
from autoagenda.notifications.rendering import Rendered


class DeliveryError(Exception):
    permanent = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermanentError(DeliveryError):
    """Sending again will not help (refused address, 4xx): the delivery fails with this reason."""

    permanent = True


class TransientError(DeliveryError):
    """Worth another try later (timeout, 5xx, the server is down)."""


def http_error(status: int, detail: str) -> DeliveryError:
    """A provider's HTTP answer: 4xx refuses the message (except 408 timeout and 429 slow down), 5xx is transient."""
    message = f"HTTP {status}: {detail}"[:1000]
    if 400 <= status < 500 and status not in (408, 429):
        return PermanentError(message)
    return TransientError(message)


class Transport(Protocol):
    def send(self, delivery: Delivery, message: Rendered) -> str: ...

    def close(self) -> None: ...


class Transports:
    """The transports of one worker, made on first use and kept (an SMTP connection is reused)."""

    def __init__(self) -> None:
        self._made: dict[str, Transport] = {}

    def get(self, channel: str) -> Transport:
        if channel not in self._made:
            self._made[channel] = _make(channel)
        return self._made[channel]

    def close(self) -> None:
        for transport in self._made.values():
            transport.close()
        self._made.clear()


def _make(channel: str) -> Transport:
    from autoagenda.notifications.transports.email import EmailTransport
    from autoagenda.notifications.transports.sms import PhoneTransport

    if channel == Channel.EMAIL:
        return EmailTransport()
    if channel in (Channel.SMS, Channel.WHATSAPP):
        return PhoneTransport(whatsapp=channel == Channel.WHATSAPP)
    raise PermanentError(f"no transport for channel {channel!r}")
