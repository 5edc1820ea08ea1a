"""The outbox (one `Delivery` per event, recipient and channel), the in-app inbox, calendar feeds, sweep state.

A delivery is written in the same transaction as the change that causes it, so a change that commits always
has its messages and one that rolls back has none; the worker sends them later (see worker.py and
docs/operations.md for the guarantee).
"""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


# Channels that text a phone: quiet hours hold them back.
PHONE_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP})
# The in-app inbox is not an outbox channel (it is written directly), but callers name it with the others.
INAPP = "inapp"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    """One message to one recipient on one channel, from `queued` to `sent`, `failed` or `cancelled`.

    `event_key` names what caused it (`appointment:42:reminder:24h`): with the recipient and the channel it is
    unique, so an event enqueued twice is stored once. A worker that claims the row sets `status=sending`,
    its `lease_owner` and `lease_expires_at`; if it dies, the lease expires and the row is queued again.
    """

    # The idempotency key given to providers and the email's Message-ID. A uuid4 needs no unique index, and
    # every index is one more write on each claim and each send.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    event_key = models.CharField(_("event"), max_length=200)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    address = models.CharField(_("address"), max_length=254, help_text=_("Email address or E.164 phone."))
    location = models.ForeignKey(
        "locations.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        db_index=False,  # notifications_delivery_outbox starts with it
    )
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, default="es")
    send_after = models.DateTimeField(_("send after"))
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"],
                condition=Q(recipient__isnull=False),
                name="notifications_delivery_unique_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["event_key", "address", "channel"],
                condition=Q(recipient__isnull=True),
                name="notifications_delivery_unique_per_address",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeliveryStatus]), name="notifications_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in Channel]), name="notifications_delivery_channel_valid"
            ),
            models.CheckConstraint(condition=Q(attempts__gte=0), name="notifications_delivery_attempts_non_negative"),
            models.CheckConstraint(condition=~Q(address=""), name="notifications_delivery_address_present"),
            models.CheckConstraint(condition=~Q(event_key=""), name="notifications_delivery_event_key_present"),
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False)) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="notifications_delivery_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | (Q(lease_expires_at__isnull=False) & ~Q(lease_owner="")),
                name="notifications_delivery_sending_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(last_error=""), name="notifications_delivery_failed_has_error"
            ),
        ]
        indexes: ClassVar = [
            # The worker's claim: due queued rows in send order. Partial, so the rows already sent (the bulk of
            # the table) and reminders far in the future cost nothing until they are due.
            models.Index(fields=["send_after"], condition=Q(status="queued"), name="notifications_delivery_due"),
            models.Index(
                fields=["lease_expires_at"], condition=Q(status="sending"), name="notifications_delivery_leased"
            ),
            # Cancelling or moving a booking's reminders by event-key prefix (`LIKE 'appointment:42:%'`), which
            # only touches messages not yet out (queued, or failed and waiting): on PostgreSQL a pattern index
            # serves the prefix and equality alike (one index instead of Django's two); partial, so claiming and
            # sending a message never write to it.
            models.Index(
                fields=["event_key"],
                name="notifications_delivery_event",
                opclasses=["varchar_pattern_ops"],
                condition=Q(status__in=["queued", "failed"]),
            ),
            models.Index(fields=["location", "status", "-created_at"], name="notifications_delivery_outbox"),
            # The admins' "failed, any location" list; partial, so sending a message never writes to it.
            models.Index(fields=["-created_at"], condition=Q(status="failed"), name="notifications_delivery_failed"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.address} ({self.template}, {self.status})"

    @property
    def zone_name(self) -> str:
        """The zone its times are shown in: its location's, else the default one."""
        return self.location.timezone if self.location_id and self.location else settings.DEFAULT_LOCATION_TIMEZONE


class InAppNotification(models.Model):
    """An item in a person's inbox (the bell). Written in the caller's transaction: nothing to send."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inapp_notifications")
    event_key = models.CharField(_("event"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True, max_length=2000)
    url = models.CharField(_("link"), max_length=500, blank=True)
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notifications_inappnotification_unique_event"),
            models.CheckConstraint(condition=~Q(title=""), name="notifications_inappnotification_title_present"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["user", "-created_at"], name="notifications_inapp_user"),
            # The bell's count on every page: only the unread rows are in it.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notifications_inapp_unread"),
            models.Index(fields=["read_at"], condition=Q(read_at__isnull=False), name="notifications_inapp_read"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def zone_name(self) -> str:
        return self.location.timezone if self.location_id and self.location else settings.DEFAULT_LOCATION_TIMEZONE


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private calendar-feed address; rotating the token makes the old address answer 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(token__regex=r"^[A-Za-z0-9_-]{20,64}$"),  # noqa: S106  (a pattern, not a secret)
                name="notifications_calendarfeed_token_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}"


class SweepRun(models.Model):
    """When each periodic sweep is next due; one worker takes it with a conditional update, so N workers run
    each sweep once per period, not N times."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("sweep")
        verbose_name_plural = _("sweeps")

    def __str__(self) -> str:
        return self.name
