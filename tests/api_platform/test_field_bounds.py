"""Every date, time and number field of every API serializer and HTML form, fed extreme and malformed values.

The fields are found by walking the modules (`autoagenda.*.api*`, `autoagenda.*.forms*`), not listed by hand, so a
new serializer or form is covered the day it is written. Each value either validates to something within
`core.bounds` (a date or timestamp in 2000-2100, an integer that fits the database) or is refused with a field
error; nothing raises anything else. A field of a type this module has no strategy for fails the test: teach it
the type (and its bounds) rather than let the type go unchecked.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField

import autoagenda
from autoagenda.core import bounds
from autoagenda.locations.api import HHMMField
from autoagenda.scheduling.staff_hours.api import TimeOfDayField

# --- Values: what a careless user or an attacker sends ----------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "1e400", "-0", "NaN", "Infinity", "0x10", "١٢", "½", "\x00", "9" * 5000]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
INTEGERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**31 - 3, max_value=2**31 + 3),
    st.integers(min_value=2**63 - 3, max_value=2**64 + 3),
    st.integers(min_value=-(2**64), max_value=-(2**31)),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    st.integers().map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    JUNK,
)
ANY_DATE = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
DATES = st.one_of(
    ANY_DATE.map(date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "2026-13-01", "20261201"]),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"),
    ANY_DATE,
    JUNK,
)
ZONES = st.sampled_from(["Z", "+00:00", "-03:00", "+14:00", "-12:00", "+23:59", "-04:42:45", ""])
DATETIMES = st.one_of(
    st.builds(lambda d, z: f"{d.isoformat()}{z}", st.datetimes(min_value=datetime(1, 1, 1)), ZONES),
    st.sampled_from(
        [
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00+14:00",
            "2026-02-30T10:00:00Z",
            "2026-12-01T12:99:00Z",
            "2026-12-01T24:00:00Z",
            "0037-01-01T10:00:00-04:42",
            "2026-12-01T09:00",
            "2026-12-01 09:00",
        ]
    ),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?\Z"),
    st.datetimes(timezones=st.just(UTC)),
    JUNK,
)
TIMES = st.one_of(st.from_regex(r"\A\d{2}:\d{2}(:\d{2})?\Z"), st.sampled_from(["24:00", "24:01", "23:60"]), JUNK)
DECIMALS = st.one_of(
    st.decimals().map(str),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e999999", "-1e999999", "1e-999999", "0." + "0" * 4000 + "1", "12345678901234567890.5"]),
    INTEGERS,
)


# --- Which fields, and how an accepted value must look ------------------------------------------------


def _fits_integer(field: Any, value: int) -> bool:
    """Ids are 64-bit (BigAutoField); every other integer is stored in PostgreSQL's 32-bit `integer`."""
    top = bounds.ID_MAX if getattr(field, "max_value", None) == bounds.ID_MAX else bounds.INT_MAX
    return isinstance(value, int) and bounds.INT_MIN <= value <= top


def _in_bounds_date(field: Any, value: date) -> bool:
    return isinstance(value, date) and bounds.date_in_bounds(value)


def _in_bounds_moment(field: Any, value: datetime) -> bool:
    return isinstance(value, datetime) and timezone.is_aware(value) and bounds.moment_in_bounds(value)


def _minute_of_day(field: Any, value: int) -> bool:
    return isinstance(value, int) and 0 <= value <= 1440


def _bounded_decimal(field: Any, value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and abs(value) < 10 ** (field.max_digits or 30)


@dataclass(frozen=True)
class Kind:
    values: st.SearchStrategy[Any]
    accepted: Callable[[Any, Any], bool]
    declared_bounds: Callable[[Any], bool] = lambda field: True


def _declares_integer_bounds(field: Any) -> bool:
    return field.min_value is not None and field.max_value is not None and field.max_value <= bounds.ID_MAX


INTEGER = Kind(INTEGERS, _fits_integer, _declares_integer_bounds)
DATE = Kind(DATES, _in_bounds_date)
MOMENT = Kind(DATETIMES, _in_bounds_moment)
HHMM = Kind(TIMES, _minute_of_day)
DECIMAL = Kind(DECIMALS, _bounded_decimal, lambda field: field.max_digits is not None)

# Most specific first: MoneyField is a DecimalField, IdField an IntegerField.
API_KINDS: list[tuple[type, Kind]] = [
    (serializers.DateTimeField, MOMENT),
    (serializers.DateField, DATE),
    (serializers.IntegerField, INTEGER),
    (serializers.DecimalField, DECIMAL),
    (HHMMField, HHMM),
    (TimeOfDayField, HHMM),
]
FORM_KINDS: list[tuple[type, Kind]] = [
    (forms.DateTimeField, MOMENT),
    (forms.DateField, DATE),
    (forms.DecimalField, DECIMAL),  # a subclass of IntegerField in Django
    (forms.IntegerField, INTEGER),
]
# Serializers that only render answers (never given `data=`): nothing they declare is ever parsed.
OUTPUT_ONLY = {
    "AvailabilitySerializer",
    "DisplayCallSerializer",
    "DisplaySerializer",
    "DisplayWaitingSerializer",
    "HolidaySerializer",
    "SlotSerializer",
    "TokenPairSerializer",
    "VinDecodeSerializer",
}
# Types that take no date, time or number (text, choices, flags, references checked against the database).
API_OTHERS: tuple[type, ...] = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.BooleanField,
    serializers.DictField,
    PrimaryKeyRelatedField,
    ManyRelatedField,
)
FORM_OTHERS: tuple[type, ...] = (forms.CharField, forms.ChoiceField, forms.BooleanField)
# Number or time types nobody has taught this module yet: using one fails the test.
UNTAUGHT: tuple[type, ...] = (
    serializers.FloatField,
    serializers.TimeField,
    serializers.DurationField,
    forms.FloatField,
    forms.TimeField,
    forms.DurationField,
    forms.SplitDateTimeField,
)


@dataclass(frozen=True)
class Case:
    owner: str
    name: str
    field: Any
    kind: Kind | None
    api: bool

    @property
    def id(self) -> str:
        return f"{self.owner}.{self.name}"


def _modules(prefix: str) -> Iterator[Any]:
    for info in pkgutil.walk_packages(autoagenda.__path__, "autoagenda."):
        if info.name.rsplit(".", 1)[-1].startswith(prefix) and ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def _classes(prefix: str, base: type) -> Iterator[type]:
    seen: set[type] = set()
    for module in _modules(prefix):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__ and cls not in seen:
                seen.add(cls)
                yield cls


def _kind(field: Any, kinds: list[tuple[type, Kind]]) -> Kind | None:
    return next((kind for klass, kind in kinds if isinstance(field, klass)), None)


def _api_fields(owner: str, fields: dict[str, Any]) -> Iterator[Case]:
    for name, field in fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            yield from _api_fields(owner, {f"{name}[]": field.child})
        elif isinstance(field, serializers.ListSerializer):
            yield from _api_fields(f"{owner}.{name}[]", field.child.fields)
        elif isinstance(field, serializers.Serializer):
            yield from _api_fields(f"{owner}.{name}", field.fields)
        else:
            yield Case(owner, name, field, _kind(field, API_KINDS), api=True)


def api_cases() -> list[Case]:
    cases: list[Case] = []
    for cls in _classes("api", serializers.Serializer):
        if cls.__name__ not in OUTPUT_ONLY:
            cases += _api_fields(cls.__name__, cls().fields)
    return cases


def form_cases() -> list[Case]:
    cases: list[Case] = []
    for cls in _classes("forms", forms.BaseForm):
        for name, field in cls.base_fields.items():
            cases.append(Case(cls.__name__, name, field, _kind(field, FORM_KINDS), api=False))
    return cases


ALL = api_cases() + form_cases()
CHECKED = [case for case in ALL if case.kind is not None]


# --- The tests ------------------------------------------------------------------------------------------


def test_the_walk_finds_the_fields_of_every_app():
    owners = {case.owner.split(".")[0] for case in CHECKED}
    assert {"ClosureSerializer", "TimeOffSerializer", "LocationSerializer", "AppointmentCreateSerializer"} <= owners
    assert {"ClosureForm", "TimeOffForm", "ChoicesForm", "CalendarFilterForm", "LocationForm"} <= owners
    assert len(CHECKED) > 40


@pytest.mark.parametrize("case", [c for c in ALL if c.kind is None], ids=lambda c: c.id)
def test_every_other_field_is_of_a_type_that_takes_no_date_time_or_number(case):
    others = API_OTHERS if case.api else FORM_OTHERS
    assert not isinstance(case.field, UNTAUGHT), f"{case.id}: teach test_field_bounds.py {type(case.field)}"
    assert isinstance(case.field, others), f"{case.id}: {type(case.field).__name__} has no strategy here"


@pytest.mark.parametrize("case", CHECKED, ids=lambda c: c.id)
def test_every_number_field_declares_its_bounds(case):
    assert case.kind is not None
    assert case.kind.declared_bounds(case.field), f"{case.id}: give it min_value/max_value (core.bounds)"


@pytest.mark.parametrize("case", CHECKED, ids=lambda c: c.id)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_date_time_and_number_field_accepts_only_values_within_the_bounds(case, data):
    assert case.kind is not None
    value = data.draw(case.kind.values if case.api else case.kind.values.map(_as_form_input))
    try:
        cleaned = case.field.run_validation(value) if case.api else case.field.clean(value)
    except (DrfValidationError, DjangoValidationError):
        return  # a field error: what a 400 or a form error is made of
    if cleaned is None or cleaned == "":
        return  # an optional field left empty
    assert case.kind.accepted(case.field, cleaned), f"{case.id} accepted {value!r} as {cleaned!r}"


def _as_form_input(value: Any) -> Any:
    """Browsers post text: a form field gets strings (or nothing)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat() if isinstance(value, date) else str(value)


# --- Forms that read their own inputs (HH:MM lists, months, starts) ---------------------------------------

HHMM_INPUT = st.one_of(TIMES.filter(lambda v: isinstance(v, str)), st.text(max_size=8))


@settings(max_examples=150, deadline=None)
@given(starts=st.lists(HHMM_INPUT, max_size=3), ends=st.lists(HHMM_INPUT, max_size=3))
def test_the_weekly_hours_editors_take_any_text_without_failing(starts, ends):
    from django.http import QueryDict

    from autoagenda.locations.forms import WeekForm
    from autoagenda.scheduling.staff_hours.forms import WeekHoursForm

    data = QueryDict(mutable=True)
    data.setlist("d1-start", starts)
    data.setlist("d1-end", ends)
    for form in (WeekForm(data), WeekHoursForm(data)):
        form.is_valid()
        assert all(0 <= start < end <= 1440 or start >= end for _day, start, end in form.intervals)
        assert all(0 <= minute <= 1440 for _day, start, end in form.intervals for minute in (start, end))


@settings(max_examples=150, deadline=None)
@given(month=st.one_of(st.from_regex(r"\A\d{4}-\d{2}\Z"), st.text(max_size=8)), start=DATETIMES.map(_as_form_input))
def test_the_booking_choices_keep_months_and_starts_within_the_bounds(month, start):
    from autoagenda.scheduling.booking.forms import ChoicesForm

    choices = ChoicesForm({"month": month, "start": start or ""}).valid_data()
    if choices.get("month"):
        assert bounds.date_in_bounds(choices["month"])
    if choices.get("start"):
        assert bounds.moment_in_bounds(choices["start"])


@settings(max_examples=150, deadline=None)
@given(raw=DATETIMES.map(_as_form_input))
def test_a_posted_slot_start_is_within_the_bounds_or_none(raw):
    from autoagenda.scheduling.calendar.forms import parse_start

    start = parse_start(raw or "")
    assert start is None or bounds.moment_in_bounds(start)
