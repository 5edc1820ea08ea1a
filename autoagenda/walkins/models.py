"""Walk-in queues, desks and numbered tickets, with the history that drives the public display.

A ticket's number comes from a `TicketCounter` row locked with `select_for_update`
(on SQLite the IMMEDIATE transaction serialises writers); the unique constraint
on (location, prefix, local_date, number) is the backstop. A desk holds at most
one called/serving ticket (partial unique constraint), so a double claim fails
in the database even if a service had a bug.
"""

from __future__ import annotations

import string
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIXES = tuple(string.ascii_uppercase)


class Queue(models.Model):
    """A line of people waiting for one kind of attention ("Recepción de vehículos", prefix A)."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="queues")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=1, help_text=_("One capital letter, A–Z: tickets read A-001."))
    services = models.ManyToManyField(
        "catalog.Service",
        blank=True,
        related_name="queues",
        verbose_name=_("services"),
        help_text=_("Checked-in appointments for these services join this queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ("location", "position", "prefix", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "prefix"], name="walkins_queue_unique_prefix"),
            models.CheckConstraint(condition=Q(prefix__in=PREFIXES), name="walkins_queue_prefix_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} · {self.name}"


class Desk(models.Model):
    """Where an agent attends (a "mesón" or "módulo"); no queues means it serves all of its location's queues."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="desks")
    name = models.CharField(_("name"), max_length=60)
    queues = models.ManyToManyField(
        Queue,
        blank=True,
        related_name="desks",
        verbose_name=_("queues"),
        help_text=_("Empty: every queue of the location."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="walkin_desks",
        verbose_name=_("agent"),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ("location", "name", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "name"], name="walkins_desk_unique_name"),
            # A person sits at one desk at a time.
            models.UniqueConstraint(fields=["agent"], condition=Q(agent__isnull=False), name="walkins_desk_one_agent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.agent_id is not None


class TicketCounter(models.Model):
    """The last number issued for one (location, prefix, local date): the row every issue locks."""

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=1)
    local_date = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "prefix", "local_date"], name="walkins_ticketcounter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.prefix} {self.local_date}: {self.last_number}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


# A desk's current ticket.
AT_DESK_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
CLOSED_STATUSES = (TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED)


class TicketAction(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CALLED = "called", _("Called")
    RECALLED = "recalled", _("Called again")
    STARTED = "started", _("Started")
    FINISHED = "finished", _("Finished")
    NO_SHOW = "no_show", _("No-show")
    TRANSFERRED = "transferred", _("Transferred")
    CANCELLED = "cancelled", _("Cancelled")
    READY = "ready", _("Ready for pickup")
    PICKUP_CALLED = "pickup_called", _("Called for pickup")


# What the public screen shows: calls, recalls and the call back to pick a car up.
CALL_ACTIONS = (TicketAction.CALLED, TicketAction.RECALLED, TicketAction.PICKUP_CALLED)

# Which action may happen to a ticket in each status (anything else is `invalid_transition`).
ALLOWED_ACTIONS: dict[str, frozenset[str]] = {
    TicketStatus.WAITING: frozenset({TicketAction.CALLED, TicketAction.TRANSFERRED, TicketAction.CANCELLED}),
    TicketStatus.CALLED: frozenset(
        {
            TicketAction.RECALLED,
            TicketAction.STARTED,
            TicketAction.FINISHED,
            TicketAction.NO_SHOW,
            TicketAction.TRANSFERRED,
            TicketAction.CANCELLED,
        }
    ),
    TicketStatus.SERVING: frozenset({TicketAction.FINISHED, TicketAction.TRANSFERRED, TicketAction.CANCELLED}),
    # Served and gone to wait: once whatever they came for is ready (`ticket_mark_ready`), the desk calls them back.
    TicketStatus.DONE: frozenset({TicketAction.PICKUP_CALLED}),
    TicketStatus.NO_SHOW: frozenset(),
    TicketStatus.CANCELLED: frozenset(),
}


class Ticket(models.Model):
    """A person in a queue: `A-001`, numbered per location, prefix and local date.

    A transfer keeps the number, prefix and issue time; only the queue changes
    (the person does not lose their place in time).
    """

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="tickets")
    queue = models.ForeignKey(Queue, on_delete=models.RESTRICT, related_name="tickets", verbose_name=_("queue"))
    prefix = models.CharField(_("prefix"), max_length=1)
    local_date = models.DateField(_("date"))
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    priority = models.BooleanField(_("priority"), default=False, help_text=_("Checked-in booked clients go first."))
    name = models.CharField(_("name"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="walkin_tickets"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="walkin_ticket",
    )
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets", verbose_name=_("desk")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recall_count = models.PositiveSmallIntegerField(_("times called again"), default=0)
    # Set by the app that did the work (a work order completed): the desk may now call the person back.
    ready_at = models.DateTimeField(_("ready for pickup"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ("-local_date", "-issued_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["location", "prefix", "local_date", "number"], name="walkins_ticket_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="walkins_ticket_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TicketStatus]), name="walkins_ticket_status"
            ),
            # A desk attends one person at a time: a second claim fails here even if a service forgot to lock.
            models.UniqueConstraint(
                fields=["desk"],
                condition=Q(status__in=[s.value for s in AT_DESK_STATUSES]),
                name="walkins_ticket_one_current_per_desk",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["queue", "status", "issued_at"], name="walkins_ticket_queue_status"),
            models.Index(fields=["location", "status"], name="walkins_ticket_loc_status"),
            models.Index(fields=["queue", "status", "finished_at"], name="walkins_ticket_queue_finished"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """`A-001`; three digits, more past 999 (`A-1000`)."""
        return f"{self.prefix}-{self.number:03d}"


class TicketEvent(models.Model):
    """The history of tickets at a location; the newest id is the display's sequence number (`seq`)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=16, choices=TicketAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    desk = models.ForeignKey(Desk, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ("id",)
        indexes: ClassVar = [
            models.Index(fields=["location", "action", "at"], name="walkins_event_loc_action"),
            models.Index(fields=["location", "id"], name="walkins_event_loc_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
