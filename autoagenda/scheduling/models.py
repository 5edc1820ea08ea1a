from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from autoagenda.core import bounds
from autoagenda.core.timeutils import format_hhmm
from autoagenda.core.weekly import Weekday


class WorkingHours(models.Model):
    """A mechanic's weekly hours at one location, in local wall-clock minutes.

    A mechanic with no rows at a location works that location's opening hours.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(_("from"))
    end_minute = models.PositiveSmallIntegerField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ("location", "weekday", "start_minute")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="scheduling_workinghours_weekday"),
            models.CheckConstraint(
                condition=Q(start_minute__gte=0, end_minute__lte=1440, end_minute__gt=F("start_minute")),
                name="scheduling_workinghours_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["user", "location", "weekday", "start_minute"], name="scheduling_workinghours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_weekday_display()} {self.start}–{self.end}"

    @property
    def start(self) -> str:
        return format_hhmm(self.start_minute)

    @property
    def end(self) -> str:
        return format_hhmm(self.end_minute)


class TimeOff(models.Model):
    """A staff member is away for [start, end) (holiday, sick leave, training)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ("start",)
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="scheduling_timeoff_end_after_start"),
            # core.bounds: nothing near datetime's edges, so every page can show it in any zone.
            models.CheckConstraint(
                condition=Q(start__gte=bounds.STORED_EARLIEST, end__lte=bounds.STORED_LATEST),
                name="scheduling_timeoff_within_bounds",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["user", "start", "end"], name="scheduling_timeoff_span")]

    def __str__(self) -> str:
        return f"{self.user}: {self.start} – {self.end}"


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# Appointments that hold their slot (count for capacity and occupy their mechanic).
INACTIVE_STATUSES = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
ACTIVE_STATUSES = tuple(s for s in AppointmentStatus if s not in INACTIVE_STATUSES)

# The only status changes there are (API.md); anything else is `invalid_transition`.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.PENDING: frozenset({AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED}),
    AppointmentStatus.CONFIRMED: frozenset(
        {AppointmentStatus.CHECKED_IN, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
    ),
    AppointmentStatus.CHECKED_IN: frozenset(
        {AppointmentStatus.IN_PROGRESS, AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW}
    ),
    AppointmentStatus.IN_PROGRESS: frozenset({AppointmentStatus.COMPLETED}),
    AppointmentStatus.COMPLETED: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
}


class BookingDay(models.Model):
    """The lock row for one location's local date.

    Booking, rescheduling and cancelling take this row with `select_for_update`
    (on SQLite the IMMEDIATE transaction serialises writers) before re-checking
    availability, so two people can never take the same last place.
    """

    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="booking_days")
    date = models.DateField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["location", "date"], name="scheduling_bookingday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.date}"


class Appointment(models.Model):
    """A booked service at a location, for a client, maybe with a mechanic and a vehicle.

    `duration_minutes` and `buffer_minutes` are copied from the service at
    booking time (later catalog changes don't move existing bookings);
    `occupied_until` = end + buffer is what the mechanic is busy for, and what
    PostgreSQL's exclusion constraint compares.
    """

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="appointments")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    mechanic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_appointments",
    )
    vehicle = models.ForeignKey(
        "customers.Vehicle", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    occupied_until = models.DateTimeField(_("occupied until"))
    local_date = models.DateField(_("local date"))
    local_hour = models.PositiveSmallIntegerField(_("local hour"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    buffer_minutes = models.PositiveIntegerField(_("buffer (minutes)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # When the client said they will come (the link in their confirmation or reminder); also a history row.
    attendance_confirmed_at = models.DateTimeField(_("attendance confirmed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ("start", "id")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="scheduling_appointment_end_after_start"),
            models.CheckConstraint(
                condition=Q(occupied_until__gte=F("end")), name="scheduling_appointment_occupied_covers_end"
            ),
            models.CheckConstraint(
                condition=Q(local_hour__gte=0, local_hour__lte=23), name="scheduling_appointment_local_hour"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AppointmentStatus]), name="scheduling_appointment_status"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["location", "local_date", "status"], name="scheduling_appt_loc_day"),
            models.Index(fields=["mechanic", "start"], name="scheduling_appt_mechanic"),
            # Covers the availability read of a mechanic's bookings overlapping a span (selectors/slots.py), from
            # the span's start on: past bookings are not scanned.
            models.Index(fields=["mechanic", "occupied_until", "start", "status"], name="scheduling_appt_mech_busy"),
            models.Index(fields=["client", "start"], name="scheduling_appt_client"),
        ]

    # The mechanic when the row was loaded (see from_db); None for a new appointment.
    _loaded_mechanic_id: int | None = None
    # Its [start, occupied_until) when loaded: a move frees that time (the availability days it touches).
    _loaded_span: tuple[datetime, datetime] | None = None

    def __str__(self) -> str:
        return f"{self.service} @ {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Appointment:
        instance = super().from_db(db, field_names, values, **kwargs)
        # Who was assigned when loaded: a reassignment frees them, which the availability cache must learn.
        instance._loaded_mechanic_id = instance.__dict__.get("mechanic_id")
        loaded = instance.__dict__
        if loaded.get("start") is not None and loaded.get("occupied_until") is not None:
            instance._loaded_span = (loaded["start"], loaded["occupied_until"])
        return instance

    @property
    def is_active(self) -> bool:
        return self.status not in INACTIVE_STATUSES


class AppointmentStatusChange(models.Model):
    """The history of an appointment: who changed what, when (also creation and reschedules)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=AppointmentStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("appointment status change")
        verbose_name_plural = _("appointment status changes")
        ordering = ("changed_at", "id")

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.from_status or '—'} → {self.to_status}"


class AvailabilityVersion(models.Model):
    """A counter that moves whenever availability may have changed, so cached answers can be trusted.

    `scope` 0 is everything that changes rarely (opening hours, closures, services, staff, working hours, time
    off, location settings); the others are a location's local dates whose appointments changed
    (`freshness.day_scope`). A cached answer is
    stored under the versions read *before* its data, so it is never older than the key says (see
    `scheduling/freshness.py`).
    """

    scope = models.PositiveBigIntegerField(primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("availability version")
        verbose_name_plural = _("availability versions")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
