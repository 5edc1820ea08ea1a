"""Gap-free numbers per (location, series, year) from a locked counter row.

The counter row is advanced with one `UPDATE … RETURNING`, which locks it until the transaction ends (on SQLite
the IMMEDIATE transaction serialises writers), so two issuers at one location wait for each other and each gets
the next number; the number is spent only if the issuing transaction commits, so a refused completion leaves no
gap. Every issuer at the location waits for that lock, so issuers take it as late in their transaction as they
can. The first number of a year creates the row in a savepoint: two first issuers racing on PostgreSQL both end
up advancing the same row (the unique constraint makes the loser use the winner's).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import Field

from autoagenda.billing.models import DocumentCounter
from autoagenda.locations.models import Location


def next_sequence(*, location: Location, series: str, year: int) -> int:
    """Call inside the issuing transaction."""
    number = _advance(location.pk, series, year)
    if number is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(location=location, series=series, year=year, last_number=0)
        except IntegrityError:
            pass  # another issuer created it first: advance theirs
        number = _advance(location.pk, series, year)
        if number is None:  # pragma: no cover - the row exists now, committed by us or by the other issuer
            raise RuntimeError(f"no {series} counter for location {location.pk} in {year}")
    return number


def _column(name: str) -> str:
    field = DocumentCounter._meta.get_field(name)
    assert isinstance(field, Field)
    return connection.ops.quote_name(str(field.column))


def _sql() -> str:
    last = _column("last_number")
    where = " AND ".join(f"{_column(name)} = %s" for name in ("location", "series", "year"))
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    return f"UPDATE {table} SET {last} = {last} + 1 WHERE {where} RETURNING {last}"  # noqa: S608 - names from the model


def _advance(location_id: int, series: str, year: int) -> int | None:
    """The counter's next number (the row locked from here to the end of the transaction), None without a row."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [location_id, series, year])
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None
