"""Small database helpers shared by selectors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet


def fast_rows(
    queryset: QuerySet[Any, Any], *, datetimes: Sequence[int] = (), dates: Sequence[int] = ()
) -> list[tuple[Any, ...]]:
    """The rows of a `values_list()` queryset, decoded faster on PostgreSQL and SQLite.

    On SQLite, `datetimes` and `dates` name the columns (by position) that hold DateTimeField and DateField
    values: the same SQL runs on a plain cursor and those columns are decoded with the C `fromisoformat` (Django
    stores them as ISO text in UTC), instead of the ORM's per-value converters (several µs each). Columns not
    named come back as SQLite gives them, so name every date and time column.

    Django registers a pure-Python subclass of psycopg's timestamptz loader (to attach its own tzinfo), which
    keeps psycopg from using its C loader: about 10 µs per timestamp. For a query returning thousands of
    timestamps (an availability window's bookings) this runs the same SQL on a cursor with psycopg's own
    loader, which decodes to the same instants (tzinfo is the connection's zone, UTC). Elsewhere, the ORM.
    """
    if connection.vendor == "sqlite" and settings.USE_TZ:
        return _sqlite_rows(queryset, datetimes, dates)
    if connection.vendor != "postgresql":
        return list(queryset)
    from psycopg.types.datetime import TimestamptzLoader

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _sqlite_rows(queryset: QuerySet[Any, Any], datetimes: Sequence[int], dates: Sequence[int]) -> list[tuple[Any, ...]]:
    names = queryset.query.values_select
    if not names or queryset.query.annotation_select or queryset.query.extra_select:
        return list(queryset)
    quote = connection.ops.quote_name
    columns = [quote(queryset.model._meta.get_field(name).column) for name in names]
    # CAST: a bare column keeps its declared type, for which Django registered a Python converter in sqlite3.
    outer = ", ".join(
        f"CAST(q.{column} AS TEXT)" if index in datetimes or index in dates else f"q.{column}"
        for index, column in enumerate(columns)
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {outer} FROM ({sql}) q", params)  # noqa: S608 - columns from the model
        rows = cursor.fetchall()
    if not datetimes and not dates:
        return [tuple(row) for row in rows]
    moment, day = datetime.fromisoformat, date.fromisoformat
    decoded = []
    for row in rows:
        values = list(row)
        for index in datetimes:
            if values[index] is not None:
                values[index] = moment(values[index]).replace(tzinfo=UTC)
        for index in dates:
            if values[index] is not None:
                values[index] = day(values[index])
        decoded.append(tuple(values))
    return decoded


def span_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of a plain SELECT whose last two columns are DateTimeFields, those two as aware UTC datetimes.

    For small reads that run on every cold availability answer, where building the ORM query cost more than
    the query: PostgreSQL (psycopg through Django's loader) already gives aware values; SQLite's registered
    converter gives the stored naive UTC text parsed, which the ORM would then mark as UTC, as done here.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return [tuple(row) for row in rows]
    return [(*row[:-2], *(_utc(value) for value in row[-2:])) for row in rows]


def _utc(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value
