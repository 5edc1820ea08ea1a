"""What a developer sees when a message is "sent" with no provider configured: a short, readable block on the
worker's console instead of a raw MIME dump.

    ╭─ email to ana@example.com · Subject: Tu hora está confirmada
    │ From: AutoAgenda <no-reply@autoagenda.local>
    │ Attached: cita.ics (text/calendar, 812 bytes) · HTML version: 3.1 kB, not shown
    │
    │ Hola Ana, …
    ╰─ nothing was sent: EMAIL_URL is the console (docs/configuration.md)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from email.header import decode_header, make_header
from typing import IO, Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from autoagenda.core import phones

_lock = threading.Lock()


def _block(title: str, lines: Sequence[str], footer: str) -> str:
    body = "\n".join(f"│ {line}".rstrip() for line in lines)
    return f"╭─ {title}\n{body}\n╰─ {footer}\n"


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} kB"


def _plain_text(message: EmailMessage) -> str:
    body = message.body
    return body if isinstance(body, str) else str(body)


def format_email(message: EmailMessage) -> str:
    lines = [f"From: {message.from_email}"]
    notes = []
    for attachment in message.attachments:
        if isinstance(attachment, tuple) or hasattr(attachment, "filename"):
            filename, content, mimetype = attachment[0], attachment[1], attachment[2]
            size = len(content.encode() if isinstance(content, str) else content or b"")
            notes.append(f"{filename} ({mimetype}, {_size(size)})")
    if notes:
        lines.append("Attached: " + ", ".join(notes))
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            lines.append(f"HTML version: {_size(len(str(content).encode()))}, not shown")
    lines.append("")
    lines.extend(_plain_text(message).rstrip().splitlines())
    # Names with accents travel RFC 2047-encoded (`=?utf-8?q?Mat=C3=ADas?=`); a person reads them decoded.
    to = ", ".join(str(make_header(decode_header(address))) for address in message.to)
    title = f"email to {to} · Subject: {message.subject}"
    return _block(title, lines, "nothing was sent: email goes to the console (EMAIL_URL, docs/configuration.md)")


class ReadableConsoleEmailBackend(BaseEmailBackend):
    """Django's console backend, readable: sender, subject, attachments and the plain text only."""

    def __init__(self, *args: Any, stream: IO[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        with _lock:
            for message in email_messages:
                self.stream.write(format_email(message))
                self.stream.flush()
                count += 1
        return count


class ConsoleGateway:
    """The SMS/WhatsApp gateway of development: the text, printed."""

    name = "console"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout
        self.sent = 0

    def send(self, *, to: str, body: str, whatsapp: bool, reference: str) -> str:
        kind = "WhatsApp" if whatsapp else "SMS"
        provider = "WHATSAPP_PROVIDER" if whatsapp else "SMS_PROVIDER"
        text = _block(
            f"{kind} to {phones.for_display(to)}", body.splitlines() or [""], f"nothing was sent: {provider}=console"
        )
        with _lock:
            self.stream.write(text)
            self.stream.flush()
        self.sent += 1
        return f"console-{reference}"
