"""Gap-free numbers per (location, series, year) from a locked counter row.

The counter row is taken with `select_for_update` (on SQLite the IMMEDIATE transaction serialises writers), so two
issuers at one location wait for each other and each gets the next number; the number is spent only if the
issuing transaction commits, so a refused completion leaves no gap. The first number of a year creates the row in
a savepoint: two first issuers racing on PostgreSQL both end up locking the same row (the unique constraint makes
the loser re-read it).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from autoagenda.billing.models import DocumentCounter
from autoagenda.locations.models import Location


def next_sequence(*, location: Location, series: str, year: int) -> int:
    """Call inside the issuing transaction."""
    counter = DocumentCounter.objects.select_for_update().filter(location=location, series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(location=location, series=series, year=year, last_number=0)
        except IntegrityError:
            pass  # another issuer created it first: lock theirs
        counter = DocumentCounter.objects.select_for_update().get(location=location, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
