"""Weekly plans of wall-clock intervals: a location's opening hours, a mechanic's working hours.

One validator for both, so that "24:00 ends the day" and "no overlaps on a
weekday" mean the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autoagenda.core.timeutils import format_hhmm

MINUTES_PER_DAY = 1440
Interval = tuple[int, int, int]  # (weekday, start_minute, end_minute)


class Weekday(models.IntegerChoices):
    """ISO weekdays, as every weekly plan stores them."""

    MONDAY = 1, gettext_lazy("Monday")
    TUESDAY = 2, gettext_lazy("Tuesday")
    WEDNESDAY = 3, gettext_lazy("Wednesday")
    THURSDAY = 4, gettext_lazy("Thursday")
    FRIDAY = 5, gettext_lazy("Friday")
    SATURDAY = 6, gettext_lazy("Saturday")
    SUNDAY = 7, gettext_lazy("Sunday")


def is_int(value: object) -> TypeGuard[int]:
    """An int that is not a bool (JSON `true` must not pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def weekly_plan_errors(intervals: Sequence[Interval], *, kept: Sequence[Interval] = ()) -> dict[str, list[str]]:
    """Problems with a weekly plan, keyed `<index>.<field>` by position in `intervals`.

    `kept` are intervals already stored that this change does not replace; an
    overlap with them is reported on the new interval, an overlap between two
    kept ones is not this change's doing and is ignored.
    """
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    valid: list[tuple[int, int, int, int]] = []  # weekday, start, end, index (-1: kept)
    for index, (weekday, start, end) in enumerate(intervals):
        ok = True
        if weekday not in Weekday.values:
            add(f"{index}.weekday", _("The weekday must be from 1 (Monday) to 7 (Sunday)."))
            ok = False
        if not is_int(start) or not 0 <= start < MINUTES_PER_DAY:
            add(f"{index}.start", _("The start must be a time from 00:00 to 23:59."))
            ok = False
        if not is_int(end) or not 0 < end <= MINUTES_PER_DAY:
            add(f"{index}.end", _("The end must be a time from 00:01 to 24:00."))
            ok = False
        if ok and end <= start:
            add(f"{index}.end", _("The end must be after the start."))
            ok = False
        if ok:
            valid.append((weekday, start, end, index))
    valid.extend((weekday, start, end, -1) for weekday, start, end in kept)
    valid.sort()

    # Sweep each weekday keeping the interval that reaches furthest: an interval
    # overlaps when it starts before that one ends (not only its neighbour).
    reach: tuple[int, int, int, int] | None = None
    for current in valid:
        if reach is None or reach[0] != current[0]:
            reach = current
            continue
        if current[1] < reach[2]:
            index = current[3] if current[3] >= 0 else reach[3]
            if index >= 0:
                add(
                    f"{index}.start",
                    _("%(day)s %(start)s–%(end)s overlaps %(other_start)s–%(other_end)s.")
                    % {
                        "day": Weekday(current[0]).label,
                        "start": format_hhmm(current[1]),
                        "end": format_hhmm(current[2]),
                        "other_start": format_hhmm(reach[1]),
                        "other_end": format_hhmm(reach[2]),
                    },
                )
        if current[2] > reach[2]:
            reach = current
    return errors
