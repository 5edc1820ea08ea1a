from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from autoagenda.core.timeutils import format_hhmm
from autoagenda.locations.models import Weekday


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
        ]
        indexes: ClassVar = [models.Index(fields=["user", "start", "end"], name="scheduling_timeoff_span")]

    def __str__(self) -> str:
        return f"{self.user}: {self.start} – {self.end}"
