"""HTML forms for locations. They check shapes; the services check the rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from holidays import registry

from autoagenda.core.forms import BoundedDateField, BoundedDateTimeField
from autoagenda.core.timeutils import format_hhmm, parse_hhmm, valid_timezones
from autoagenda.core.weekly import Weekday
from autoagenda.locations.models import (
    MAX_APPOINTMENTS_PER_DAY,
    MAX_APPOINTMENTS_PER_HOUR,
    MAX_DEPOSIT_AMOUNT,
    MAX_DEPOSIT_HOLD_MINUTES,
    MAX_NOTICE_MINUTES,
    MAX_REMINDER_MINUTES,
    MIN_DEPOSIT_HOLD_MINUTES,
    DepositMode,
    Location,
    Sector,
)
from autoagenda.locations.services import holiday_countries

# Zones people pick from; legacy aliases (US/Eastern, Etc/GMT+3) still validate but are not offered.
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@cache
def timezone_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """IANA zones grouped by region, shown whole ("America/Buenos Aires": a closed select shows no group)."""
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in _REGIONS}
    for name in sorted(valid_timezones()):
        region, _sep, city = name.partition("/")
        if region in groups and city:
            groups[region].append((name, name.replace("_", " ")))
    return [("UTC", "UTC"), *((region, zones) for region, zones in groups.items() if zones)]


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for class_name, alpha2, *_rest in registry.COUNTRIES.values():
        names[alpha2] = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name)
    return names


@cache
def country_label(code: str) -> str:
    name = _country_names().get(code)
    return f"{name} ({code})" if name else code


@cache
def country_choices() -> list[tuple[str, str]]:
    """Countries whose public holidays we know, by name: "Chile (CL)"."""
    rows = [(code, country_label(code)) for code in holiday_countries()]
    return sorted(rows, key=lambda row: row[1])


def _with_current(choices: list[Any], value: str | None) -> list[Any]:
    """Keep a stored value selectable even when the list would not offer it."""
    if not value:
        return choices
    flat = {item[0] for item in choices if isinstance(item[1], str)}
    flat |= {zone for _group, zones in choices if isinstance(zones, list) for zone, _label in zones}
    return choices if value in flat else [(value, value), *choices]


class TimeOfDayField(forms.CharField):
    """A local time of day typed as HH:MM, held as minutes since midnight."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{1,2}:\d{2}", "placeholder": "21:00"})
    default_error_messages = {"invalid": _("Enter a time as HH:MM, e.g. 21:00.")}

    def prepare_value(self, value: Any) -> Any:
        return format_hhmm(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            minutes = parse_hhmm(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if minutes >= 1440:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return minutes


class LocationForm(forms.Form):
    """General, booking rules and capacity; grouped into fieldsets by `FIELDSETS`."""

    name = forms.CharField(label=_("Name"), max_length=120)
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=200, required=False, help_text=_("Printed on invoices; empty: the name.")
    )
    tax_id = forms.CharField(label=_("Tax id"), max_length=40, required=False, help_text=_("RUT, NIF … on invoices."))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("Email"), required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Appointments are shown in this zone."))
    country = forms.ChoiceField(
        label=_("Country"), help_text=_("Public holidays come from the country's official calendar.")
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=Sector.choices,
        help_text=_("Automotive turns on vehicles, plates and mileage."),
    )
    is_active = forms.BooleanField(label=_("Active: clients can see it and book"), required=False)

    slot_minutes = forms.IntegerField(
        label=_("Slot size (min)"),
        min_value=5,
        max_value=240,
        help_text=_("Bookable start times step by this many minutes."),
    )
    min_notice_minutes = forms.IntegerField(
        label=_("Minimum notice (min)"),
        min_value=0,
        max_value=MAX_NOTICE_MINUTES,
        help_text=_("How long before a start a client may still book it."),
    )
    booking_horizon_days = forms.IntegerField(
        label=_("Booking horizon (days)"),
        min_value=1,
        max_value=730,
        help_text=_("How far ahead clients may book."),
    )
    cancellation_window_minutes = forms.IntegerField(
        label=_("Cancellation window (min)"),
        min_value=0,
        max_value=MAX_NOTICE_MINUTES,
        help_text=_("Clients may cancel or reschedule until this long before the start."),
    )
    use_public_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)

    quiet_hours_start = TimeOfDayField(
        required=False,
        label=_("No SMS or WhatsApp from"),
        help_text=_("Local time. Messages due in the quiet hours wait until they end; email and in-app are not held."),
    )
    quiet_hours_end = TimeOfDayField(
        required=False, label=_("Until"), help_text=_("Local time. The same time as the start means no quiet hours.")
    )

    first_reminder_minutes = forms.IntegerField(
        label=_("First reminder (min before)"),
        required=False,
        min_value=0,
        max_value=MAX_REMINDER_MINUTES,
        help_text=_("Clients get a reminder this long before the appointment (1440 = a day); 0 for none."),
    )
    second_reminder_minutes = forms.IntegerField(
        label=_("Second reminder (min before)"),
        required=False,
        min_value=0,
        max_value=MAX_REMINDER_MINUTES,
        help_text=_("A second reminder closer to the start (120 = two hours); 0 for none."),
    )

    max_appointments_per_hour = forms.IntegerField(
        label=_("Maximum appointments per hour"),
        required=False,
        min_value=1,
        max_value=MAX_APPOINTMENTS_PER_HOUR,
        help_text=_("Leave empty for no limit."),
    )
    max_appointments_per_day = forms.IntegerField(
        label=_("Maximum appointments per day"),
        required=False,
        min_value=1,
        max_value=MAX_APPOINTMENTS_PER_DAY,
        help_text=_("Leave empty for no limit."),
    )

    deposit_mode = forms.ChoiceField(
        label=_("Deposit at booking"),
        required=False,
        choices=DepositMode.choices,
        help_text=_("Clients booking online pay it to confirm; until then the booking waits, holding its slot."),
    )
    deposit_amount = forms.DecimalField(
        label=_("Deposit amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_DEPOSIT_AMOUNT,
        max_digits=12,
        decimal_places=2,
        help_text=_("For a fixed deposit, in the location's currency."),
    )
    deposit_percent = forms.IntegerField(
        label=_("Deposit (% of the price)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("For a percent deposit."),
    )
    deposit_hold_minutes = forms.IntegerField(
        label=_("Hold an unpaid booking (min)"),
        required=False,
        min_value=MIN_DEPOSIT_HOLD_MINUTES,
        max_value=MAX_DEPOSIT_HOLD_MINUTES,
        help_text=_("After this long without its deposit a booking is cancelled and its slot released."),
    )

    FIELDSETS = (
        (
            _("General"),
            _("Who you are and where: the time zone sets every appointment's clock."),
            (
                "name",
                "legal_name",
                "tax_id",
                "address",
                "phone",
                "email",
                "timezone",
                "country",
                "sector",
                "is_active",
            ),
        ),
        (
            _("Booking rules"),
            _("When clients may book, and until when they may cancel."),
            (
                "slot_minutes",
                "min_notice_minutes",
                "booking_horizon_days",
                "cancellation_window_minutes",
                "use_public_holidays",
            ),
        ),
        (
            _("Capacity"),
            _("How many appointments the location takes at most, whatever the number of mechanics."),
            ("max_appointments_per_hour", "max_appointments_per_day"),
        ),
        (
            _("Messages"),
            _(
                "Reminders before each appointment, and quiet hours: text messages to clients are held back "
                "overnight, in the location's time."
            ),
            ("first_reminder_minutes", "second_reminder_minutes", "quiet_hours_start", "quiet_hours_end"),
        ),
        (
            _("Deposit"),
            _("An online payment clients make when they book: a fixed amount or a percent of the service's price."),
            ("deposit_mode", "deposit_amount", "deposit_percent", "deposit_hold_minutes"),
        ),
    )

    def __init__(self, *args: Any, location: Location | None = None, **kwargs: Any) -> None:
        if location is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(location, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        initial = kwargs.get("initial") or {}
        tz_field: forms.ChoiceField = self.fields["timezone"]  # type: ignore[assignment]
        tz_field.choices = _with_current(timezone_choices(), initial.get("timezone"))
        country_field: forms.ChoiceField = self.fields["country"]  # type: ignore[assignment]
        country_field.choices = _with_current(country_choices(), initial.get("country"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (
            "quiet_hours_start",
            "quiet_hours_end",
            "first_reminder_minutes",
            "second_reminder_minutes",
            "deposit_mode",
            "deposit_hold_minutes",
        ):
            if data.get(name) in (None, ""):
                data.pop(name, None)  # left empty: keep what the location has (a new one: the defaults)
        if "deposit_mode" not in data:  # the deposit rule untouched: keep its amount or percent too
            for name in ("deposit_amount", "deposit_percent"):
                if data.get(name) is None:
                    data.pop(name, None)
        return data

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(str(title), str(intro), [self[name] for name in names]) for title, intro, names in self.FIELDSETS]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Initial values for a new location: the model's defaults."""
        location = Location()
        values = {name: getattr(location, name) for name in cls.base_fields}
        values["country"] = "CL" if location.timezone == "America/Santiago" else ""
        return values


class ClosureForm(forms.Form):
    WHOLE_DAY = "day"
    RANGE = "range"

    kind = forms.ChoiceField(
        label=_("Closed for"),
        choices=((WHOLE_DAY, _("A whole day")), (RANGE, _("A time range"))),
        widget=forms.RadioSelect,
        initial=WHOLE_DAY,
    )
    date = BoundedDateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start = BoundedDateTimeField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = BoundedDateTimeField(
        label=_("Until"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Stocktaking, staff training")}),
    )

    def __init__(self, *args: Any, location: Location, **kwargs: Any) -> None:
        self.location = location
        super().__init__(*args, **kwargs)

    def _local(self, field: str) -> datetime | None:
        """The form's wall-clock time in the location's zone; a time skipped by a clock change is refused."""
        value: datetime | None = self.cleaned_data.get(field)
        if value is None:
            return None
        zone = self.location.zone
        naive = value.replace(tzinfo=None)
        aware = naive.replace(tzinfo=zone)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
            self.add_error(field, _("This time does not exist in the location's time zone (the clocks change)."))
            return None
        return aware

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == self.WHOLE_DAY:
            if not data.get("date") and "date" not in self.errors:
                self.add_error("date", _("Pick the day to close."))
            data["start"] = data["end"] = None
        elif data.get("kind") == self.RANGE:
            data["date"] = None
            for field in ("start", "end"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("This field is required."))
            if not self.errors:
                data["start"], data["end"] = self._local("start"), self._local("end")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date": data.get("date"),
            "start": data.get("start"),
            "end": data.get("end"),
            "reason": data.get("reason", ""),
        }


# --- Weekly hours editor ----------------------------------------------------


class IntervalRow:
    """One start–end pair as typed, with its errors; the editor's rows are lists of these."""

    def __init__(self, weekday: int, start: str = "", end: str = "") -> None:
        self.weekday = weekday
        self.start = start
        self.end = end
        self.errors: list[str] = []

    @property
    def is_blank(self) -> bool:
        return not self.start.strip() and not self.end.strip()


class WeekForm:
    """The whole week as posted: `d<weekday>-start` / `d<weekday>-end` repeated once per interval.

    A plain class, not a Django form: the number of intervals per day is free
    (htmx adds rows), and the pairs come back in document order.
    """

    def __init__(self, data: Any = None, *, initial: dict[int, list[tuple[int, int]]] | None = None) -> None:
        self.days: list[tuple[int, str, list[IntervalRow]]] = []
        self.errors: list[str] = []
        self.intervals: list[tuple[int, int, int]] = []
        self._row_of_index: list[IntervalRow] = []
        for weekday, label in Weekday.choices:
            if data is not None:
                starts, ends = data.getlist(f"d{weekday}-start"), data.getlist(f"d{weekday}-end")
                rows = [IntervalRow(weekday, s, e) for s, e in zip(starts, ends, strict=False)]
            else:
                rows = [
                    IntervalRow(weekday, format_hhmm(s), format_hhmm(e)) for s, e in (initial or {}).get(weekday, [])
                ]
                rows.append(IntervalRow(weekday))  # one empty row to add an interval without JavaScript
            self.days.append((weekday, str(label), rows))
        self.is_bound = data is not None

    def is_valid(self) -> bool:
        """Shapes only: each filled row needs two valid times. Overlaps are the service's call."""
        ok = True
        for weekday, _label, rows in self.days:
            for row in rows:
                if row.is_blank:
                    continue
                try:
                    start, end = parse_hhmm(row.start.strip()), parse_hhmm(row.end.strip())
                except ValueError:
                    row.errors.append(str(_("Enter both times as HH:MM, e.g. 09:00 and 13:30 (24:00 closes the day).")))
                    ok = False
                    continue
                self.intervals.append((weekday, start, end))
                self._row_of_index.append(row)
        if not ok:
            self.errors.append(str(_("Some times are not valid. Check the highlighted rows.")))
        return ok

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's `<index>.<field>` errors on the rows they belong to."""
        for key, messages in errors.items():
            index = key.split(".", 1)[0]
            if index.isdigit() and int(index) < len(self._row_of_index):
                self._row_of_index[int(index)].errors.extend(messages)
            else:
                self.errors.extend(messages)
