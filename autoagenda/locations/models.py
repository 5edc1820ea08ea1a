from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from autoagenda.core import bounds, money
from autoagenda.core.models import TimeStampedModel
from autoagenda.core.timeutils import format_hhmm
from autoagenda.core.weekly import Weekday  # lives in core (the weekly-plan validator); importable from here too

__all__ = ["Closure", "Location", "OpeningHours", "Sector", "Weekday"]

MAX_NOTICE_MINUTES = 43_200
# Capacity limits (null = none); anything larger means "no limit" anyway, and must fit PostgreSQL's integer.
MAX_APPOINTMENTS_PER_HOUR = 10_000
MAX_APPOINTMENTS_PER_DAY = 100_000
# No SMS or WhatsApp between these local times (minutes since midnight); a message due then waits until the end.
DEFAULT_QUIET_HOURS_START = 21 * 60
DEFAULT_QUIET_HOURS_END = 8 * 60
# Reminders before an appointment (minutes; 0 = none): a day and two hours before by default, a week at most.
DEFAULT_FIRST_REMINDER_MINUTES = 24 * 60
DEFAULT_SECOND_REMINDER_MINUTES = 2 * 60
MAX_REMINDER_MINUTES = 7 * 24 * 60


# An unpaid booking at a location that takes deposits keeps its slot this long by default (minutes).
DEFAULT_DEPOSIT_HOLD_MINUTES = 30
MIN_DEPOSIT_HOLD_MINUTES = 5
MAX_DEPOSIT_HOLD_MINUTES = 7 * 24 * 60
MAX_DEPOSIT_AMOUNT = Decimal("9999999999.99")


class DepositMode(models.TextChoices):
    NONE = "none", _("No deposit")
    FIXED = "fixed", _("Fixed amount")
    PERCENT = "percent", _("Percent of the service price")


class Sector(models.TextChoices):
    AUTOMOTIVE = "automotive", _("Automotive workshop")
    GENERAL = "general", _("Other services")


class Location(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.DEFAULT_LOCATION_TIMEZONE)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. CL, ES."))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.AUTOMOTIVE)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot size (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    max_appointments_per_hour = models.PositiveIntegerField(
        _("maximum appointments per hour"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    max_appointments_per_day = models.PositiveIntegerField(
        _("maximum appointments per day"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=60, validators=[MaxValueValidator(MAX_NOTICE_MINUTES)]
    )
    booking_horizon_days = models.PositiveIntegerField(
        _("booking horizon (days)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    cancellation_window_minutes = models.PositiveIntegerField(
        _("cancellation window (minutes)"), default=120, validators=[MaxValueValidator(MAX_NOTICE_MINUTES)]
    )
    use_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    quiet_hours_start = models.PositiveSmallIntegerField(
        _("quiet hours from"),
        default=DEFAULT_QUIET_HOURS_START,
        help_text=_("Local time (minutes since midnight) after which no SMS or WhatsApp is sent."),
    )
    quiet_hours_end = models.PositiveSmallIntegerField(
        _("quiet hours until"),
        default=DEFAULT_QUIET_HOURS_END,
        help_text=_("Local time the messages held back go out; the same as the start means no quiet hours."),
    )
    first_reminder_minutes = models.PositiveIntegerField(
        _("first reminder (minutes before)"),
        default=DEFAULT_FIRST_REMINDER_MINUTES,
        help_text=_("How long before an appointment the client is reminded; 0 for no reminder."),
    )
    second_reminder_minutes = models.PositiveIntegerField(
        _("second reminder (minutes before)"),
        default=DEFAULT_SECOND_REMINDER_MINUTES,
        help_text=_("A second reminder closer to the start; 0 for none."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, e.g. CLP, EUR; empty takes the country's. Fixed once the location has sold."),
    )
    tax_rate = models.DecimalField(
        _("standard tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Proposed for new products and services; empty takes the country's."),
    )
    # Online deposit at booking: a client's new booking waits `pending` for it (the deposits app takes it).
    deposit_mode = models.CharField(_("deposit"), max_length=8, choices=DepositMode.choices, default=DepositMode.NONE)
    deposit_amount = models.DecimalField(
        _("deposit amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("With a fixed deposit: the amount, in the location's currency."),
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit (% of the price)"), null=True, blank=True, help_text=_("With a percent deposit: 1 to 100.")
    )
    deposit_hold_minutes = models.PositiveIntegerField(
        _("hold an unpaid booking (minutes)"),
        default=DEFAULT_DEPOSIT_HOLD_MINUTES,
        help_text=_("How long a booking waiting for its deposit keeps its slot before it is released."),
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("The business name printed on invoices; empty: the name."),
    )
    tax_id = models.CharField(
        _("tax id"), max_length=40, blank=True, help_text=_("RUT, NIF, EIN … printed on invoices.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ("name", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="locations_location_slot_range"
            ),
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1, booking_horizon_days__lte=730),
                name="locations_location_horizon_range",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_minutes__lte=MAX_NOTICE_MINUTES), name="locations_location_notice_range"
            ),
            models.CheckConstraint(
                condition=Q(cancellation_window_minutes__lte=MAX_NOTICE_MINUTES),
                name="locations_location_cancellation_range",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_minutes__lte=F("booking_horizon_days") * 1440),
                name="locations_location_notice_within_horizon",
            ),
            models.CheckConstraint(
                condition=Q(max_appointments_per_hour__isnull=True) | Q(max_appointments_per_hour__gte=1),
                name="locations_location_hour_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_appointments_per_day__isnull=True) | Q(max_appointments_per_day__gte=1),
                name="locations_location_day_capacity_positive",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="locations_location_currency_code"),
            models.CheckConstraint(
                condition=Q(tax_rate__isnull=True) | Q(tax_rate__gte=0, tax_rate__lte=100),
                name="locations_location_tax_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__gte=0, quiet_hours_start__lt=1440)
                & Q(quiet_hours_end__gte=0, quiet_hours_end__lt=1440),
                name="locations_location_quiet_hours_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(deposit_mode=DepositMode.NONE)
                    | Q(deposit_mode=DepositMode.FIXED, deposit_amount__gt=0, deposit_amount__lte=MAX_DEPOSIT_AMOUNT)
                    | Q(deposit_mode=DepositMode.PERCENT, deposit_percent__gte=1, deposit_percent__lte=100)
                ),
                name="locations_location_deposit_rule",
            ),
            models.CheckConstraint(
                condition=Q(deposit_hold_minutes__gte=MIN_DEPOSIT_HOLD_MINUTES)
                & Q(deposit_hold_minutes__lte=MAX_DEPOSIT_HOLD_MINUTES),
                name="locations_location_deposit_hold_range",
            ),
            models.CheckConstraint(
                condition=Q(first_reminder_minutes__lte=MAX_REMINDER_MINUTES)
                & Q(second_reminder_minutes__lte=MAX_REMINDER_MINUTES),
                name="locations_location_reminders_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A location always has a currency: the country's unless chosen (normalising a field, no side effect).
        if not self.currency:
            self.currency = money.currency_for_country(self.country)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "currency"}
        super().save(*args, **kwargs)

    @property
    def invoice_name(self) -> str:
        """The seller on its invoices: the legal name, or the name when none is set."""
        return self.legal_name or self.name

    @property
    def decimals(self) -> int:
        """How many decimals its money has (CLP 0, EUR 2)."""
        return money.decimals(self.currency)

    @property
    def standard_tax_rate(self) -> Decimal:
        return self.tax_rate if self.tax_rate is not None else money.tax_rate_for_country(self.country)

    @property
    def takes_deposits(self) -> bool:
        return self.deposit_mode != DepositMode.NONE

    def deposit_for(self, price: Decimal | None) -> Decimal | None:
        """The deposit a booking of something costing `price` (net, in this location's currency) asks for.

        None when the location takes no deposit or the rule gives nothing to pay (a percent of a free or unpriced
        service); a fixed deposit never exceeds the price when there is one. Rounded half-up to the currency.
        """
        if self.deposit_mode == DepositMode.FIXED and self.deposit_amount is not None:
            amount = self.deposit_amount if price is None or price <= 0 else min(self.deposit_amount, price)
        elif self.deposit_mode == DepositMode.PERCENT and self.deposit_percent and price is not None:
            amount = price * Decimal(self.deposit_percent) / Decimal(100)
        else:
            return None
        amount = money.quantize(amount, self.currency)
        return amount if amount > 0 else None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_automotive(self) -> bool:
        return self.sector == Sector.AUTOMOTIVE


class OpeningHours(models.Model):
    """One opening interval on a weekday, in local wall-clock minutes.

    Minutes since local midnight, so that `24:00` (1440) can close a day.
    Several intervals per weekday make a lunch break.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(_("opens"))
    end_minute = models.PositiveSmallIntegerField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ("weekday", "start_minute")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="locations_openinghours_weekday"),
            models.CheckConstraint(
                condition=Q(start_minute__gte=0, end_minute__lte=1440, end_minute__gt=F("start_minute")),
                name="locations_openinghours_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["location", "weekday", "start_minute"], name="locations_openinghours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start} – {self.end}"

    @property
    def start(self) -> str:
        return format_hhmm(self.start_minute)

    @property
    def end(self) -> str:
        return format_hhmm(self.end_minute)


class Closure(models.Model):
    """The location is closed for [start, end): a whole local day or a time range."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Set when the whole day is closed."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ("start",)
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="locations_closure_end_after_start"),
            # core.bounds: nothing near datetime's edges, so every page can show it in any zone.
            models.CheckConstraint(
                condition=Q(start__gte=bounds.STORED_EARLIEST, end__lte=bounds.STORED_LATEST),
                name="locations_closure_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | Q(date__gte=bounds.EARLIEST_DATE, date__lte=bounds.LATEST_DATE),
                name="locations_closure_date_within_bounds",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["location", "start", "end"], name="locations_closure_span")]

    def __str__(self) -> str:
        return f"{self.location}: {self.start} – {self.end}"


def reminder_offsets(location: Location) -> list[int]:
    """The location's reminder offsets in minutes before the start, distinct, largest first (0 = none)."""
    return sorted(
        {m for m in (location.first_reminder_minutes, location.second_reminder_minutes) if m > 0}, reverse=True
    )
