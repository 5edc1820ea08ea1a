"""core/db.py: the small readers selectors share give the same values as the ORM, faster."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from autoagenda.core.db import c_timestamp_loader, span_rows
from autoagenda.locations.models import Closure
from tests.locations.factories import LocationFactory

MOMENT = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.mark.postgres
def test_the_c_timestamp_loader_decodes_the_same_instant_as_aware_utc(db):
    with connection.cursor() as cursor:
        c_timestamp_loader(cursor)
        cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [MOMENT])
        value, missing = cursor.fetchone()
    assert value == MOMENT
    assert value.utcoffset().total_seconds() == 0
    assert missing is None


def test_span_rows_gives_the_last_two_columns_as_aware_utc(db):
    location = LocationFactory()
    Closure.objects.create(location=location, start=MOMENT, end=MOMENT.replace(hour=5), reason="x")
    [(_, start, end)] = span_rows(
        f"SELECT id, start, {connection.ops.quote_name('end')} FROM {Closure._meta.db_table}",  # noqa: S608 (constants)
        [],
    )
    assert (start, end) == (MOMENT, MOMENT.replace(hour=5))
    assert start.utcoffset().total_seconds() == 0
