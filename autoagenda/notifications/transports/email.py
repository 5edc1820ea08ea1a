"""Email through Django's email framework: whatever EMAIL_BACKEND the settings chose (SMTP from EMAIL_URL, the
readable console in development, or a provider API through django-anymail when EMAIL_PROVIDER is set).

Each message carries a Message-ID made from the delivery's key, so a message sent twice (a worker killed after
the server accepted it) has the same id both times and mail clients show it once; Brevo also gets the key as
its `idempotencyKey` and drops a repeat within its time window.
"""

from __future__ import annotations

import contextlib
import smtplib
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email

from autoagenda.accounts.services import is_placeholder_email
from autoagenda.notifications.models import Delivery
from autoagenda.notifications.rendering import Rendered
from autoagenda.notifications.transports import DeliveryError, PermanentError, TransientError, http_error

DELIVERY_HEADER = "X-AutoAgenda-Delivery"


def message_id(delivery: Delivery) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "autoagenda.local"
    return f"<{delivery.key}@{host}>"


def _smtp_error(exc: smtplib.SMTPException) -> PermanentError | TransientError:
    """SMTP says itself which failures last: 5xx refuses, 4xx means "try again later"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        detail = "; ".join(
            f"{addr}: {code} {text.decode(errors='replace')}" for addr, (code, text) in exc.recipients.items()
        )
        if any(500 <= code < 600 for code in codes):
            return PermanentError(f"SMTP refused the recipient: {detail}")
        return TransientError(f"SMTP deferred the recipient: {detail}")
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        message = f"SMTP {exc.smtp_code}: {text}"
        return PermanentError(message) if 500 <= exc.smtp_code < 600 else TransientError(message)
    return TransientError(f"SMTP: {type(exc).__name__}: {exc}")


def _anymail_error(exc: Exception) -> DeliveryError | None:
    try:
        from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        return None
    if isinstance(exc, AnymailInvalidAddress | AnymailRecipientsRefused):
        return PermanentError(f"the provider refused the address: {exc}")
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None:
            return TransientError(f"provider unreachable: {exc}")
        return http_error(int(status), str(exc).splitlines()[0] if str(exc) else "")
    return None


def _classify(exc: Exception) -> Exception:
    """The provider's answer as permanent or transient; anything unknown is raised as it is (retried)."""
    mapped = _anymail_error(exc)  # first: anymail's HTTP errors are also OSErrors (requests.HTTPError)
    if mapped is not None:
        return mapped
    if isinstance(exc, smtplib.SMTPException):
        return _smtp_error(exc)
    if isinstance(exc, OSError):
        return TransientError(f"mail server unreachable: {type(exc).__name__}: {exc}")
    return exc


class EmailTransport:
    def __init__(self) -> None:
        self.connection: BaseEmailBackend | None = None

    def _connection(self) -> BaseEmailBackend:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # a connection that is already gone
                self.connection.close()
            self.connection = None

    def send(self, delivery: Delivery, message: Rendered) -> str:
        address = delivery.address.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise PermanentError(f"not an email address: {address!r}") from None
        if is_placeholder_email(address):
            raise PermanentError(f"{address} is a placeholder for a client without email")
        name = delivery.context.get("recipient_name", "")
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[formataddr((str(name), address)) if name else address],
            headers={"Message-ID": message_id(delivery), DELIVERY_HEADER: str(delivery.key)},
        )
        if getattr(settings, "EMAIL_PROVIDER", "") == "brevo":
            email.extra_headers["idempotencyKey"] = str(delivery.key)
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for attachment in message.attachments:
            email.attach(attachment.filename, attachment.content, attachment.mimetype)
        try:
            email.connection = self._connection()
            email.send()
        except Exception as exc:
            self.close()  # an SMTP session may be half-way through a transaction: start the next one afresh
            raise _classify(exc) from exc
        status = getattr(email, "anymail_status", None)
        provider_id = getattr(status, "message_id", None) if status is not None else None
        return str(provider_id or message_id(delivery))
