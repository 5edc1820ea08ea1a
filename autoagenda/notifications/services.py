"""Every write of the notifications app: the outbox (enqueue, cancel, reschedule, retry), the in-app inbox and
calendar-feed tokens.

`notification_enqueue` is what the event subscribers call, inside the transaction of the change that causes
the message: its rows commit or roll back with that change. Nothing here talks to a provider; the worker does.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.constants import OnConflict
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from autoagenda.accounts.models import User
from autoagenda.accounts.services import is_placeholder_email
from autoagenda.core.errors import ApplicationError
from autoagenda.locations.models import Location
from autoagenda.notifications import live
from autoagenda.notifications.models import (
    INAPP,
    PHONE_CHANNELS,
    CalendarFeed,
    Channel,
    Delivery,
    DeliveryStatus,
    InAppNotification,
    new_feed_token,
)
from autoagenda.notifications.quiet_hours import hold_back_for

logger = logging.getLogger(__name__)

ALL_CHANNELS = (INAPP, Channel.EMAIL.value, Channel.SMS.value, Channel.WHATSAPP.value)
EVENT_KEY_MAX = 200


@dataclass(frozen=True)
class Attachment:
    """A file for an email (the confirmation's .ics). Text is stored as is, bytes as base64."""

    filename: str
    content: str | bytes
    mimetype: str

    def as_json(self) -> dict[str, str]:
        if isinstance(self.content, bytes):
            encoded = base64.b64encode(self.content).decode()
            return {"filename": self.filename, "mimetype": self.mimetype, "content_b64": encoded}
        return {"filename": self.filename, "mimetype": self.mimetype, "content": self.content}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Attachment:
        if "content_b64" in data:
            return cls(data["filename"], base64.b64decode(data["content_b64"]), data["mimetype"])
        return cls(data["filename"], data["content"], data["mimetype"])


# A file made when the email is sent rather than stored in the outbox row (an invoice's PDF: large, and written in
# the recipient's language from the data as it is at sending). `builder(params, language)` returns the file.
AttachmentBuilder = Callable[[Mapping[str, Any], str], Attachment]
_attachment_builders: dict[str, AttachmentBuilder] = {}


def register_attachment_builder(name: str, builder: AttachmentBuilder) -> None:
    """Called when the app starts (subscribers.connect); the same name again replaces it."""
    _attachment_builders[name] = builder


@dataclass(frozen=True)
class BuiltAttachment:
    """An attachment the outbox row names (`builder` and JSON `params`) and the sender builds."""

    builder: str
    params: Mapping[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"builder": self.builder, "params": dict(self.params)}


def attachment_from_json(data: Mapping[str, Any], *, language: str) -> Attachment:
    """A stored attachment as it is, or a built one made now (KeyError: its builder is not registered)."""
    if "builder" in data:
        return _attachment_builders[data["builder"]](data.get("params") or {}, language)
    return Attachment.from_json(data)


@dataclass(frozen=True)
class Contact:
    """Someone without an account (a walk-in who left a phone): the channels are whatever they gave."""

    email: str = ""
    phone: str = ""
    name: str = ""
    language: str = ""


@dataclass(frozen=True)
class Enqueued:
    """What `notification_enqueue` stored (or found already stored for this event): the channels used."""

    channels: tuple[str, ...]


def _check_event_key(event_key: str) -> None:
    if not event_key or len(event_key) > EVENT_KEY_MAX:
        raise ValueError(f"an event key has 1 to {EVENT_KEY_MAX} characters: {event_key!r}")


def _user_channels(user: User, *, marketing: bool) -> dict[str, str]:
    """channel → address the person accepts messages on (their preferences; in-app always)."""
    if not user.is_active or (marketing and not user.marketing_opt_in):
        return {}
    out = {INAPP: str(user.pk)}
    if user.notify_email and user.email and not is_placeholder_email(user.email):
        out[Channel.EMAIL] = user.email
    if user.phone and user.notify_sms:
        out[Channel.SMS] = user.phone
    if user.phone and user.notify_whatsapp:
        out[Channel.WHATSAPP] = user.phone
    return out


def _contact_channels(contact: Contact) -> dict[str, str]:
    out: dict[str, str] = {}
    if contact.email:
        out[Channel.EMAIL] = contact.email
    if contact.phone:
        out[Channel.SMS] = contact.phone
        out[Channel.WHATSAPP] = contact.phone
    return out


def _render_inapp(template: str, context: Mapping[str, Any], language: str) -> tuple[str, str] | None:
    """Title and text of the inbox item in the person's language; None (logged) when the template fails.

    The context is plain JSON data, so rendering reads no database: a broken template never harms the
    caller's transaction, it only costs this one inbox item.
    """
    try:
        with translation.override(language):
            title = str(render_to_string(f"notifications/messages/{template}/inapp_title.txt", dict(context)))
            body = str(render_to_string(f"notifications/messages/{template}/inapp_body.txt", dict(context)))
    except TemplateDoesNotExist:
        return None
    except Exception:
        logger.exception("in-app template %s failed; the inbox item was not written", template)
        return None
    title = " ".join(title.split())[:200]
    return (title, body.strip()[:2000]) if title else None


@dataclass(frozen=True)
class Message:
    """One `notification_enqueue` call's arguments, for `notification_enqueue_many`."""

    event_key: str
    recipient: User | Contact
    template: str
    context: Mapping[str, Any] | None = None
    location: Location | None = None
    send_after: datetime | None = None
    channels: Iterable[str] | None = None
    attachments: Sequence[Attachment | BuiltAttachment] = ()
    marketing: bool = False


def notification_enqueue(
    *,
    event_key: str,
    recipient: User | Contact,
    template: str,
    context: Mapping[str, Any] | None = None,
    location: Location | None = None,
    send_after: datetime | None = None,
    channels: Iterable[str] | None = None,
    attachments: Sequence[Attachment | BuiltAttachment] = (),
    marketing: bool = False,
) -> Enqueued:
    """Store the messages of one event for one recipient, one row per channel they accept.

    - `channels` limits the channels the event may use (`"inapp"`, `"email"`, `"sms"`, `"whatsapp"`); the
      recipient's preferences narrow them further (email on by default, SMS/WhatsApp only with a phone).
    - Idempotent: the same (event key, recipient, channel) is stored once however often it is enqueued.
    - `send_after` (default now) delays outbox channels; SMS and WhatsApp also wait out the location's quiet
      hours. The in-app item is immediate: it is written only when nothing is delayed.
    - `marketing` messages go only to people who opted in.
    Runs in the caller's transaction; the bell of the recipient's open pages is told after commit.
    """
    message = Message(
        event_key=event_key,
        recipient=recipient,
        template=template,
        context=context,
        location=location,
        send_after=send_after,
        channels=channels,
        attachments=attachments,
        marketing=marketing,
    )
    [enqueued] = notification_enqueue_many([message])
    return enqueued


def notification_enqueue_many(messages: Sequence[Message]) -> list[Enqueued]:
    """`notification_enqueue` for several messages at once (a booking's confirmation, reminders and staff
    alerts): the same rows and guarantees, written with one INSERT … ON CONFLICT DO NOTHING per table instead
    of one (and a savepoint) per message. Returns what each message used, in order."""
    now = timezone.now()
    rows: list[Delivery] = []
    items: list[InAppNotification] = []
    out: list[Enqueued] = []
    for message in messages:
        message_rows, inapp = _prepare(message, now)
        rows.extend(message_rows)
        if inapp is not None:
            items.append(inapp)
        used = ([INAPP] if inapp is not None else []) + [row.channel for row in message_rows]
        out.append(Enqueued(channels=tuple(used)))
    _store(rows, items)
    return out


def _prepare(message: Message, now: datetime) -> tuple[list[Delivery], InAppNotification | None]:
    event_key = message.event_key
    _check_event_key(event_key)
    wanted = set(ALL_CHANNELS if message.channels is None else message.channels)
    unknown = wanted - set(ALL_CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}")
    due = message.send_after if message.send_after is not None else now
    location = message.location
    user, addresses, language, context = _addressing(message.recipient, message.context, marketing=message.marketing)
    chosen = [channel for channel in ALL_CHANNELS if channel in wanted and channel in addresses]
    attachment_data = [a.as_json() for a in message.attachments]
    rows = [
        Delivery(
            event_key=event_key,
            channel=channel,
            recipient=user,
            address=addresses[channel],
            location=location,
            template=message.template,
            context=context,
            attachments=attachment_data if channel == Channel.EMAIL else [],
            language=language,
            send_after=hold_back_for(due, location) if channel in PHONE_CHANNELS else due,
        )
        for channel in chosen
        if channel != INAPP
    ]
    inapp = None
    if INAPP in chosen and user is not None and due <= now:
        inapp = _inapp_item(user, event_key, message.template, context, language, location)
    return rows, inapp


def _addressing(
    recipient: User | Contact, context: Mapping[str, Any] | None, *, marketing: bool
) -> tuple[User | None, dict[str, str], str, dict[str, Any]]:
    """Who receives it: the account (if any), the address per channel they accept, their language, and the
    context with their name filled in."""
    context = dict(context or {})
    if isinstance(recipient, User):
        context.setdefault("recipient_name", recipient.get_short_name())
        language = recipient.language or settings.LANGUAGE_CODE
        return recipient, _user_channels(recipient, marketing=marketing), language, context
    if recipient.name:
        context.setdefault("recipient_name", recipient.name)
    return None, _contact_channels(recipient), recipient.language or settings.LANGUAGE_CODE, context


def _inapp_item(
    user: User,
    event_key: str,
    template: str,
    context: Mapping[str, Any],
    language: str,
    location: Location | None,
) -> InAppNotification | None:
    rendered = _render_inapp(template, context, language)
    if rendered is None:
        return None
    return InAppNotification(
        user=user,
        event_key=event_key,
        kind=template,
        title=rendered[0],
        body=rendered[1],
        url=str(context.get("url", ""))[:500],
        location=location,
    )


def _store(rows: list[Delivery], items: list[InAppNotification]) -> None:
    # No savepoint: ON CONFLICT DO NOTHING / INSERT OR IGNORE never raises on a duplicate (a second enqueue of
    # the same event stores nothing, also when two transactions race: the unique constraints decide), and any
    # other error fails the caller's transaction as it should. Outside a transaction this still is one.
    with transaction.atomic(savepoint=False):
        if rows:
            _insert_deliveries(rows)
        if items:
            InAppNotification.objects.bulk_create(items, ignore_conflicts=True)
            live.inbox_changed_on_commit(*dict.fromkeys(item.user_id for item in items))


def _insert_deliveries(rows: list[Delivery]) -> None:
    """`Delivery.objects.bulk_create(rows, ignore_conflicts=True)` as one INSERT … VALUES statement.

    Django sends several rows to PostgreSQL as UNNEST(arrays), and with client-side binding psycopg quotes every
    array element in Python: about 1.5 ms of CPU for a booking's three rows, more than the rest of the insert.
    Same columns and values (each field's own `pre_save` and `get_db_prep_save`), same conflict rule.
    """
    opts = Delivery._meta
    fields = [field for field in opts.concrete_fields if field is not opts.pk]
    values = [[field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields] for row in rows]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(str(field.column)) for field in fields)
    insert = f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {ops.quote_name(opts.db_table)} ({columns})"
    conflict = ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(ops.bulk_batch_size(fields, rows), 1)  # as bulk_create batches them (SQLite's parameter limit)
    with connection.cursor() as cursor:
        for first in range(0, len(values), size):
            batch = values[first : first + size]
            cursor.execute(
                f"{insert} VALUES {', '.join([row_marks] * len(batch))} {conflict}",
                [value for row in batch for value in row],
            )


def _matching(event_keys: Iterable[str] | None, event_key_prefix: str | None) -> QuerySet[Delivery]:
    if (event_keys is None) == (event_key_prefix is None):
        raise ValueError("give either event_keys or event_key_prefix")
    if event_key_prefix is not None:
        if not event_key_prefix:
            raise ValueError("an empty prefix would match every message")
        return Delivery.objects.filter(event_key__startswith=event_key_prefix)
    return Delivery.objects.filter(event_key__in=list(event_keys or ()))


def notification_cancel(*, event_keys: Iterable[str] | None = None, event_key_prefix: str | None = None) -> int:
    """Cancel the messages of these events that have not gone out (queued, or failed and waiting for a retry).

    For a cancelled booking's reminders, in the cancellation's transaction. A message being sent at this very
    moment (`sending`) is not stopped: it may still arrive. Returns how many were cancelled.
    """
    with transaction.atomic():
        return (
            _matching(event_keys, event_key_prefix)
            .filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED])
            .update(status=DeliveryStatus.CANCELLED, lease_owner="", lease_expires_at=None, updated_at=timezone.now())
        )


def notification_reschedule(
    *,
    send_after: datetime,
    event_keys: Iterable[str] | None = None,
    event_key_prefix: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> int:
    """Move the queued messages of these events to `send_after` (quiet hours applied again for SMS/WhatsApp).

    For a rescheduled booking's reminders, in the reschedule's transaction; `context` (merged into each row's)
    gives them what changed, e.g. the new start and its links. Returns how many moved.
    """
    with transaction.atomic():
        rows = list(
            _matching(event_keys, event_key_prefix)
            .filter(status=DeliveryStatus.QUEUED)
            .select_related("location")
            .select_for_update(of=("self",))
        )
        now = timezone.now()
        for row in rows:
            row.send_after = hold_back_for(send_after, row.location) if row.channel in PHONE_CHANNELS else send_after
            row.updated_at = now
            if context:
                row.context = {**row.context, **context}
        Delivery.objects.bulk_update(rows, ["send_after", "updated_at", *(["context"] if context else [])])
    return len(rows)


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """A failed message goes back to the queue, due now, with a fresh count of attempts (staff, from the
    outbox). Any other status is `invalid_transition`. The caller has authorized the actor."""
    now = timezone.now()
    with transaction.atomic():
        changed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED,
            attempts=0,
            send_after=now,
            lease_owner="",
            lease_expires_at=None,
            updated_at=now,
        )
    if changed != 1:
        raise ApplicationError("invalid_transition", _("Only a failed message can be sent again."))
    delivery.refresh_from_db()
    return delivery


# --- The in-app inbox ---------------------------------------------------------------------------------


def inapp_mark_read(*, notification: InAppNotification) -> InAppNotification:
    """Read (once: reading it again keeps the first time). The caller fetched it through the permissions."""
    if notification.read_at is None:
        now = timezone.now()
        with transaction.atomic():
            if InAppNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
                live.inbox_changed_on_commit(notification.user_id)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def inapp_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        updated = InAppNotification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
        if updated:
            live.inbox_changed_on_commit(user.pk)
    return updated


def inapp_delete(*, notification: InAppNotification) -> None:
    with transaction.atomic():
        was_unread = notification.read_at is None
        notification.delete()
        if was_unread:
            live.inbox_changed_on_commit(notification.user_id)


def inapp_prune_read(*, older_than: datetime) -> int:
    """Read items older than `older_than` go (the sweep); unread ones stay however old."""
    with transaction.atomic():
        deleted, _rows = InAppNotification.objects.filter(read_at__isnull=False, read_at__lt=older_than).delete()
    return deleted


def outbox_prune(*, older_than: datetime) -> int:
    """Sent and cancelled messages older than `older_than` go (the sweep); failed ones stay for the staff."""
    with transaction.atomic():
        deleted, _rows = Delivery.objects.filter(
            Q(status=DeliveryStatus.SENT, sent_at__lt=older_than)
            | Q(status=DeliveryStatus.CANCELLED, updated_at__lt=older_than)
        ).delete()
    return deleted


# --- Calendar feeds ---------------------------------------------------------------------------------------


def calendar_feed_for(*, user: User) -> CalendarFeed:
    """The person's feed, made on first use."""
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new private address; the old one answers 404 from now on (a leaked link is revoked this way)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_feed_token()
            feed.rotated_at = timezone.now()
            feed.save(update_fields=["token", "rotated_at"])
    return feed
