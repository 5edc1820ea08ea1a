"""Forms for the staff-hours pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from autoagenda.core.forms import BoundedDateTimeField
from autoagenda.core.timeutils import format_hhmm, parse_hhmm
from autoagenda.core.weekly import Weekday

_TIME = re.compile(r"^(\d{2}:\d{2})(:\d{2}(\.\d+)?)?$")
MIDNIGHT = 1440


@dataclass
class DayRow:
    """One weekday of the editor: the intervals shown (as typed, or stored) and their errors."""

    weekday: int
    label: str
    intervals: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def start_value(minute: int) -> str:
    return format_hhmm(minute)


def end_value(minute: int) -> str:
    """Time inputs stop at 23:59, so the end of the day shows as 00:00 (midnight)."""
    return "00:00" if minute == MIDNIGHT else format_hhmm(minute)


def _parse(raw: str, *, is_end: bool) -> int:
    match = _TIME.match(raw.strip())
    if not match:
        raise ValueError(raw)
    minute = parse_hhmm(match.group(1))
    return MIDNIGHT if is_end and minute == 0 else minute


def _values(data: Mapping[str, Any], key: str) -> list[str]:
    if isinstance(data, MultiValueDict):
        return [str(v) for v in data.getlist(key)]
    value = data.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


class WeekHoursForm(forms.Form):
    """A weekly plan posted as `d<weekday>-start` / `d<weekday>-end` lists (several intervals per day).

    Cleans into `intervals` [(weekday, start, end)] and `positions` (the
    weekday of each interval) so errors from the service land on their day.
    """

    def __init__(self, data: Any = None, *, stored: list[tuple[int, int, int]] | None = None) -> None:
        super().__init__(data)
        self.intervals: list[tuple[int, int, int]] = []
        self.positions: list[int] = []
        self.days: list[DayRow] = [DayRow(weekday=day.value, label=str(day.label)) for day in Weekday]
        if data is None:
            for weekday, start, end in sorted(stored or []):
                self.days[weekday - 1].intervals.append((start_value(start), end_value(end)))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.days:
            starts = _values(self.data, f"d{row.weekday}-start")
            ends = _values(self.data, f"d{row.weekday}-end")
            for raw_start, raw_end in zip(starts, ends, strict=False):
                raw_start, raw_end = (raw_start or "").strip(), (raw_end or "").strip()
                if not raw_start and not raw_end:
                    continue
                row.intervals.append((raw_start, raw_end))
                if not raw_start or not raw_end:
                    row.errors.append(str(_("Give both a start and an end, or leave both empty.")))
                    continue
                try:
                    start, end = _parse(raw_start, is_end=False), _parse(raw_end, is_end=True)
                except ValueError:
                    row.errors.append(str(_("Enter times as HH:MM.")))
                    continue
                self.intervals.append((row.weekday, start, end))
                self.positions.append(row.weekday)
        if any(row.errors for row in self.days):
            raise forms.ValidationError(_("Some intervals are not valid; see the marked days."))
        return cleaned

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Map the service's `<index>.<field>` errors back onto the editor's days."""
        for key, messages in errors.items():
            index_text = key.split(".", 1)[0]
            if index_text.isdigit() and int(index_text) < len(self.positions):
                self.days[self.positions[int(index_text)] - 1].errors.extend(messages)
            else:
                for message in messages:
                    self.add_error(None, message)


class TimeOffForm(forms.Form):
    """Times are typed in the staff member's zone; the view activates it while cleaning."""

    start = BoundedDateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    end = BoundedDateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
