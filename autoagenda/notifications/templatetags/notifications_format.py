"""Dates in messages: the context is JSON (times are ISO strings once stored), shown on the location's clock.

`{{ start|when:zone }}` → "Lunes, 5 de enero de 2027, 10:00" / "Monday, Jan. 5, 2027, 10:00" in the active
language; `{{ start|when_short:zone }}` → "05/01/2027 10:00" for SMS. Rendering never depends on the worker's
time zone, so the in-app item (rendered at enqueue) and the email (rendered at send) say the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()


def _local(value: Any, zone: Any) -> datetime | None:
    moment = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if moment is None or moment.tzinfo is None:
        return None
    try:
        tz = ZoneInfo(str(zone or settings.DEFAULT_LOCATION_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(settings.DEFAULT_LOCATION_TIMEZONE)
    return moment.astimezone(tz)


@register.filter
def when(value: Any, zone: Any = None) -> str:
    local = _local(value, zone)
    if local is None:
        return ""
    weekday = formats.date_format(local, "l")
    return f"{weekday[:1].upper()}{weekday[1:]}, {formats.date_format(local, 'DATE_FORMAT')}, {local:%H:%M}"


@register.filter
def when_short(value: Any, zone: Any = None) -> str:
    local = _local(value, zone)
    if local is None:
        return ""
    return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M}"


@register.filter
def since(value: Any) -> str:
    """How long ago, for the bell: "just now" under a minute (Django's timesince would say "0 minutes")."""
    moment = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if moment is None:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return str(_("just now"))
    return timesince(moment)
