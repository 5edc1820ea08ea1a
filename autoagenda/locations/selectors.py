"""Reads about locations: the weekly plan, closures and public holidays.

The scheduling engine calls `opening_hours_by_weekday`, `closures_between` and
`public_holidays` for every availability request, so they stay cheap: one
query each, and holidays come from an in-process cache per (country, year,
language).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

import holidays
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from autoagenda.core.db import span_rows
from autoagenda.core.weekly import Weekday
from autoagenda.locations.models import Closure, Location, OpeningHours
from autoagenda.locations.permissions import locations_visible_to


@cache
def _languages_of(country: str) -> tuple[str | None, frozenset[str]]:
    calendar = holidays.country_holidays(country)
    return calendar.default_language, frozenset(calendar.supported_languages)


def holiday_language(country: str, language: str | None = None) -> str | None:
    """The `holidays` language for a UI language: 'es' -> 'es', 'en' -> 'en_US' (or the country's own)."""
    default, supported = _languages_of(country)
    wanted = (language or get_language() or "").replace("-", "_").lower()
    base = wanted.split("_")[0]
    for candidate in (wanted, base, f"{base}_us" if base == "en" else ""):
        match = next((code for code in supported if code.lower() == candidate), None)
        if candidate and match:
            return match
    return default


@lru_cache(maxsize=1024)
def _holidays_of_year(country: str, year: int, language: str | None) -> tuple[tuple[date, str], ...]:
    calendar = holidays.country_holidays(country, years=year, language=language)
    return tuple(sorted((day, str(name)) for day, name in calendar.items()))


def public_holidays(location: Location, start: date, end: date) -> dict[date, str]:
    """The location's public holidays from `start` to `end` inclusive, named in the active language.

    Empty when the location does not close on public holidays or its country
    is unknown to the `holidays` package.
    """
    if not location.use_public_holidays or end < start:
        return {}
    try:
        language = holiday_language(location.country)
    except NotImplementedError:  # a country the package does not know
        return {}
    return {
        day: name
        for year in range(start.year, end.year + 1)
        for day, name in _holidays_of_year(location.country, year, language)
        if start <= day <= end
    }


def opening_hours_by_weekday(location: Location) -> dict[int, list[tuple[int, int]]]:
    """{weekday: [(start_minute, end_minute), ...]} for every ISO weekday, ascending; [] = closed."""
    plan: dict[int, list[tuple[int, int]]] = {day: [] for day in Weekday.values}
    # Plain SQL (every cold availability answer reads this): the ORM built and compiled the same query each time.
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('weekday')}, {quote('start_minute')}, {quote('end_minute')} "  # noqa: S608 - model names
        f"FROM {quote(OpeningHours._meta.db_table)} WHERE {quote('location_id')} = %s "
        f"ORDER BY {quote('weekday')}, {quote('start_minute')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [location.pk])
        for weekday, start, end in cursor.fetchall():
            plan[weekday].append((start, end))
    return plan


def opening_hours_of(location: Location) -> list[OpeningHours]:
    return list(OpeningHours.objects.filter(location=location).order_by("weekday", "start_minute"))


def closures_between(location: Location, start: datetime, end: datetime) -> list[Closure]:
    """Closures that overlap [start, end), ordered by start."""
    return list(Closure.objects.filter(location=location, start__lt=end, end__gt=start).order_by("start", "id"))


def closure_spans_between(location: Location, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) of the closures that overlap [start, end), ordered by start (what availability reads, in
    plain SQL: every cold availability answer reads it)."""
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"SELECT {quote('start')}, {quote('end')} FROM {quote(Closure._meta.db_table)} "  # noqa: S608 - model names
        f"WHERE {quote('location_id')} = %s AND {quote('start')} < %s AND {quote('end')} > %s "
        f"ORDER BY {quote('start')}, {quote('id')}"
    )
    return [(low, high) for low, high in span_rows(sql, [location.pk, adapt(end), adapt(start)])]


def closures_of(location: Location, *, start: datetime | None = None, end: datetime | None = None) -> QuerySet[Closure]:
    qs = Closure.objects.filter(location=location)
    if start is not None:
        qs = qs.filter(end__gt=start)
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs.order_by("start", "id")


def upcoming_closures(location: Location, *, limit: int | None = None) -> list[Closure]:
    qs = closures_of(location, start=timezone.now())
    return list(qs[:limit] if limit else qs)


def upcoming_public_holidays(location: Location, *, days: int = 120, limit: int = 6) -> list[tuple[date, str]]:
    today = timezone.now().astimezone(location.zone).date()
    found = public_holidays(location, today, today + timedelta(days=days))
    return sorted(found.items())[:limit]


def locations_for_user(user: Any) -> QuerySet[Location]:
    """The locations a user may see, with the counts the list page shows, in one query."""
    now = timezone.now()
    return (
        locations_visible_to(user)
        .annotate(
            staff_count=Count("memberships", distinct=True),
            open_days=Count("opening_hours__weekday", distinct=True),
            upcoming_closures=Count("closures", filter=Q(closures__end__gt=now), distinct=True),
        )
        .order_by("name", "id")
    )
