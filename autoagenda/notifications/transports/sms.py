"""SMS and WhatsApp behind one small gateway interface: Twilio (its official SDK; WhatsApp through
`whatsapp:` addresses), Brevo SMS (its HTTP API: django-anymail does email only) and the console.

    SMS_PROVIDER=console|twilio|brevo      WHATSAPP_PROVIDER=console|twilio

Neither Twilio's Messages API nor Brevo's SMS API takes an idempotency key; the provider's message id is
stored when the send returns, and a duplicate is possible only for a message in flight when a worker dies.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

from autoagenda.core import phones
from autoagenda.notifications.models import Delivery
from autoagenda.notifications.rendering import Rendered
from autoagenda.notifications.transports import PermanentError, TransientError, http_error


class Gateway(Protocol):
    """Send one text to an E.164 number; return the provider's message id."""

    name: str

    def send(self, *, to: str, body: str, whatsapp: bool, reference: str) -> str: ...


def _timeout() -> float:
    return float(getattr(settings, "PROVIDER_TIMEOUT_SECONDS", 10))


# --- Twilio --------------------------------------------------------------------------------------------------


def _twilio_http_client(base_url: str) -> Any:
    """Twilio's own HTTP client; with TWILIO_API_BASE_URL, every request goes to that host instead (a
    Twilio-compatible test server or proxy) — the SDK builds and signs the request exactly as in production."""
    from twilio.http.http_client import TwilioHttpClient

    if not base_url:
        return TwilioHttpClient(timeout=_timeout())
    target = urlsplit(base_url)

    class BaseUrlHttpClient(TwilioHttpClient):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            parts = urlsplit(url)
            url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
            return super().request(method, url, *args, **kwargs)

    return BaseUrlHttpClient(timeout=_timeout())


class TwilioGateway:
    name = "twilio"

    def __init__(self) -> None:
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=_twilio_http_client(settings.TWILIO_API_BASE_URL),
        )

    def send(self, *, to: str, body: str, whatsapp: bool, reference: str) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        sender = settings.TWILIO_WHATSAPP_FROM if whatsapp else settings.TWILIO_SMS_FROM
        if not sender:
            raise PermanentError(f"no Twilio sender configured for {'WhatsApp' if whatsapp else 'SMS'}")
        params: dict[str, str] = {"to": f"whatsapp:{to}" if whatsapp else to, "body": body}
        if sender.startswith("MG"):
            params["messaging_service_sid"] = sender  # a Messaging Service picks the number itself
        else:
            params["from_"] = sender if not whatsapp or sender.startswith("whatsapp:") else f"whatsapp:{sender}"
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise http_error(int(exc.status), f"Twilio {exc.code}: {exc.msg}") from exc
        except requests.RequestException as exc:
            raise TransientError(f"Twilio unreachable: {type(exc).__name__}: {exc}") from exc
        except TwilioException as exc:
            raise TransientError(f"Twilio: {exc}") from exc
        return str(message.sid)


# --- Brevo SMS --------------------------------------------------------------------------------------------


class BrevoSmsGateway:
    """POST /v3/transactionalSMS/sms with the account's API key (the same BREVO_API_KEY as email)."""

    name = "brevo"

    def __init__(self) -> None:
        self.session = requests.Session()
        self.url = settings.BREVO_API_URL.rstrip("/") + "/transactionalSMS/sms"

    def send(self, *, to: str, body: str, whatsapp: bool, reference: str) -> str:
        if whatsapp:
            raise PermanentError("Brevo SMS does not send WhatsApp messages; set WHATSAPP_PROVIDER=twilio")
        payload = {
            "sender": settings.BREVO_SMS_SENDER,
            "recipient": to.lstrip("+"),
            "content": body,
            "type": "transactional",
            "unicodeEnabled": True,
            "tag": "autoagenda",
        }
        headers = {"api-key": settings.BREVO_API_KEY, "accept": "application/json", "content-type": "application/json"}
        try:
            response = self.session.post(self.url, json=payload, headers=headers, timeout=_timeout())
        except requests.RequestException as exc:
            raise TransientError(f"Brevo unreachable: {type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise http_error(response.status_code, f"Brevo: {response.text[:500]}")
        try:
            data = response.json()
        except ValueError:
            data = {}
        return str(data.get("messageId") or data.get("reference") or "brevo")


# --- Choosing one --------------------------------------------------------------------------------------------


def gateway(*, whatsapp: bool) -> Gateway:
    from autoagenda.notifications.transports.console import ConsoleGateway

    provider = (settings.WHATSAPP_PROVIDER if whatsapp else settings.SMS_PROVIDER) or "console"
    if provider == "twilio":
        return TwilioGateway()
    if provider == "brevo":
        return BrevoSmsGateway()
    if provider == "console":
        return ConsoleGateway()
    raise PermanentError(f"unknown {'WHATSAPP' if whatsapp else 'SMS'}_PROVIDER {provider!r}")


class PhoneTransport:
    """SMS or WhatsApp: checks the number (E.164), then hands the text to the configured gateway."""

    def __init__(self, *, whatsapp: bool) -> None:
        self.whatsapp = whatsapp
        self.gateway: Gateway | None = None

    def send(self, delivery: Delivery, message: Rendered) -> str:
        if not phones.is_e164(delivery.address):
            raise PermanentError(f"not a phone number in E.164: {delivery.address!r}")
        if self.gateway is None:
            self.gateway = gateway(whatsapp=self.whatsapp)
        return self.gateway.send(
            to=delivery.address, body=message.text, whatsapp=self.whatsapp, reference=str(delivery.key)
        )

    def close(self) -> None:
        self.gateway = None
