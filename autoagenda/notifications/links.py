"""Self-service links in confirmations and reminders: confirm attendance, cancel, reschedule — no login.

A link is `/notifications/a/<token>/`, the token signed with Django's signing (the SECRET_KEY and a salt of its
own). It names one appointment and one purpose, so a cancel link cannot confirm and a link for one appointment
cannot touch another. It also carries the appointment's start when the message was written: the link works until
that start (the appointment's start is when it expires), and a link from before a reschedule stops working (the
newer message has the current links). Whether it was already used is read from the appointment itself (attendance
confirmed, cancelled), so a used link says so instead of acting twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "autoagenda.notifications.selfservice"
CONFIRM, CANCEL, RESCHEDULE = "confirm", "cancel", "reschedule"
PURPOSES = (CONFIRM, CANCEL, RESCHEDULE)


class InvalidLink(Exception):
    """The token was altered, or is not one of ours."""


@dataclass(frozen=True)
class LinkClaim:
    appointment_id: int
    purpose: str
    start: datetime  # the appointment's start when the link was made


def make_token(*, appointment_id: int, purpose: str, start: datetime) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    return signing.dumps({"a": appointment_id, "p": purpose, "s": int(start.timestamp())}, salt=SALT, compress=True)


def read_token(token: str) -> LinkClaim:
    try:
        data = signing.loads(token, salt=SALT)
        claim = LinkClaim(
            appointment_id=int(data["a"]), purpose=str(data["p"]), start=datetime.fromtimestamp(int(data["s"]), UTC)
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidLink from exc
    if claim.purpose not in PURPOSES:
        raise InvalidLink
    return claim


def link_url(*, appointment_id: int, purpose: str, start: datetime) -> str:
    """The absolute address put in a message."""
    token = make_token(appointment_id=appointment_id, purpose=purpose, start=start)
    return settings.SITE_URL.rstrip("/") + reverse("notifications:selfservice", args=[token])


def links_for(*, appointment_id: int, start: datetime) -> dict[str, str]:
    return {purpose: link_url(appointment_id=appointment_id, purpose=purpose, start=start) for purpose in PURPOSES}
