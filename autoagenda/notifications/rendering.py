"""A delivery's text, rendered when it is sent: one template per event and channel, in the recipient's language.

    notifications/messages/<template>/email_subject.txt   one line
    notifications/messages/<template>/email_body.txt      plain text
    notifications/messages/<template>/email_body.html     HTML (extends notifications/email/base.html)
    notifications/messages/<template>/sms.txt             SMS; also WhatsApp unless whatsapp.txt exists
    notifications/messages/<template>/inapp_title.txt     the inbox item (rendered when enqueued)
    notifications/messages/<template>/inapp_body.txt

Templates are written in English with `{% translate %}`; Spanish comes from the catalogue. Dates and times in
the context are shown in the location's zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation

from autoagenda.notifications.models import Channel, Delivery
from autoagenda.notifications.services import Attachment, attachment_from_json


class RenderError(Exception):
    """The message cannot be written (missing or broken template): that delivery fails, the others go on."""


@dataclass
class Rendered:
    text: str
    subject: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def _context(delivery: Delivery) -> dict[str, Any]:
    location = delivery.location
    return {
        **delivery.context,
        "site_url": settings.SITE_URL.rstrip("/"),
        "location_name": location.name if location is not None else "",
        "language": delivery.language,
    }


def _zone(delivery: Delivery) -> ZoneInfo:
    return delivery.location.zone if delivery.location is not None else ZoneInfo(settings.DEFAULT_LOCATION_TIMEZONE)


def render(delivery: Delivery) -> Rendered:
    base = f"notifications/messages/{delivery.template}"
    context = _context(delivery)
    try:
        with translation.override(delivery.language or settings.LANGUAGE_CODE), timezone.override(_zone(delivery)):
            if delivery.channel == Channel.EMAIL:
                subject = " ".join(render_to_string(f"{base}/email_subject.txt", context).split())
                text = render_to_string(f"{base}/email_body.txt", context).strip() + "\n"
                html = render_to_string(f"{base}/email_body.html", context)
                language = delivery.language or settings.LANGUAGE_CODE
                attachments = [attachment_from_json(item, language=language) for item in delivery.attachments]
                if not subject:
                    raise RenderError(f"{base}/email_subject.txt renders empty")
                return Rendered(text=text, subject=subject, html=html, attachments=attachments)
            names = [f"{base}/whatsapp.txt", f"{base}/sms.txt"] if delivery.channel == Channel.WHATSAPP else []
            template = select_template(names or [f"{base}/sms.txt"])
            text = " ".join(template.render(context).split())
    except RenderError:
        raise
    except TemplateDoesNotExist as exc:
        raise RenderError(f"template missing: {exc}") from exc
    except Exception as exc:  # a broken template or context: this message only
        raise RenderError(f"template error in {base}: {type(exc).__name__}: {exc}") from exc
    if not text:
        raise RenderError(f"{base} renders an empty message")
    return Rendered(text=text)
