"""Small database helpers shared by selectors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection


def c_timestamp_loader(cursor: Any) -> None:
    """On PostgreSQL, decode this cursor's timestamptz columns with psycopg's C loader.

    Django registers a pure-Python subclass of psycopg's timestamptz loader (to attach its own tzinfo), which
    keeps psycopg from using its C one: about 10 µs per timestamp. The C loader decodes to the same instants (its
    tzinfo is the connection's zone, UTC). For statements returning many timestamps (the outbox claim). Elsewhere
    a no-op.
    """
    if connection.vendor != "postgresql":
        return
    from psycopg.types.datetime import TimestamptzLoader

    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


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
