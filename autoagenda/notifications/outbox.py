"""The outbox's state changes as the worker makes them: claim with a lease, mark sent, retry, fail, release.

Every change after the claim is conditional on the worker still holding the lease (`status = 'sending' AND
lease_owner = me`), so a worker that was too slow and lost its lease to another never overwrites that one's
result. The claim is a single statement:

- PostgreSQL: `UPDATE … WHERE id IN (SELECT id … WHERE status = 'queued' AND send_after <= now ORDER BY
  send_after LIMIT n FOR UPDATE SKIP LOCKED) RETURNING *`, joined to the rows' locations in the same statement
  (a CTE), so a claim is one round trip — workers claiming at once skip each other's rows
  instead of waiting, and the inner scan walks the partial index `notifications_delivery_due`, so a million
  reminders due next month cost nothing.
- SQLite: the same select and update inside one short `BEGIN IMMEDIATE` transaction (the database's single
  write lock makes claims take turns).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Field, Model, QuerySet, signals
from django.db.models.base import ModelState

from autoagenda.core.db import c_timestamp_loader
from autoagenda.locations.models import Location
from autoagenda.notifications.models import PHONE_CHANNELS, Delivery, DeliveryStatus
from autoagenda.notifications.quiet_hours import hold_back_for

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=Model)

TABLE = Delivery._meta.db_table
QUEUED, SENDING = DeliveryStatus.QUEUED.value, DeliveryStatus.SENDING.value

_DELIVERY_FIELDS = Delivery._meta.concrete_fields
_LOCATION_FIELDS = Location._meta.concrete_fields
_LOCATION_TABLE = Location._meta.db_table

_CLAIM_POSTGRES = f"""
WITH claimed AS (
    UPDATE {TABLE} SET status = '{SENDING}', lease_owner = %s, lease_expires_at = %s, attempts = attempts + 1,
        updated_at = %s
    WHERE id IN (
        SELECT id FROM {TABLE}
        WHERE status = '{QUEUED}' AND send_after <= %s
        ORDER BY send_after
        LIMIT %s
        FOR UPDATE SKIP LOCKED
    )
    RETURNING *
), numbered AS (
    SELECT claimed.*, row_number() OVER (PARTITION BY claimed.location_id ORDER BY claimed.id) AS nth FROM claimed
)
SELECT {", ".join(f'numbered."{f.column}"' for f in _DELIVERY_FIELDS)},
    {", ".join(f'loc."{f.column}"' for f in _LOCATION_FIELDS)}
FROM numbered LEFT JOIN {_LOCATION_TABLE} loc ON loc.id = numbered.location_id AND numbered.nth = 1
ORDER BY numbered.send_after, numbered.id
"""  # noqa: S608  (table names, columns and statuses are constants of this module)

_DUE_SQLITE = f"""
SELECT id FROM {TABLE} WHERE status = '{QUEUED}' AND send_after <= %s ORDER BY send_after LIMIT %s
"""  # noqa: S608


def max_attempts() -> int:
    return int(settings.NOTIFICATIONS_MAX_ATTEMPTS)


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential with jitter: about base × 2^(attempts-1), capped, drawn from its upper half (so retries
    of many messages that failed together spread out instead of hitting the provider at once)."""
    base = float(settings.NOTIFICATIONS_RETRY_BASE_SECONDS)
    cap = float(settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay / 2 + (rng or random).uniform(0, delay / 2))


def release_expired(*, now: datetime) -> int:
    """Rows whose worker died mid-send (lease expired) go back to the queue; out of attempts, they fail."""
    with transaction.atomic():
        expired = Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_expires_at__lt=now)
        failed = expired.filter(attempts__gte=max_attempts()).update(
            status=DeliveryStatus.FAILED,
            last_error="the worker sending it stopped before finishing, too many times",
            lease_owner="",
            lease_expires_at=None,
            updated_at=now,
        )
        requeued = expired.update(status=DeliveryStatus.QUEUED, lease_owner="", lease_expires_at=None, updated_at=now)
    if failed or requeued:
        logger.warning("outbox: %s expired leases queued again, %s failed", requeued, failed)
    return requeued + failed


def claim(*, owner: str, limit: int, lease: timedelta, now: datetime) -> list[Delivery]:
    """Up to `limit` due messages, now ours until `now + lease`, oldest due first."""
    expires = now + lease
    adapt = connection.ops.adapt_datetimefield_value  # raw SQL: the same stored form as the ORM writes (UTC)
    if connection.vendor == "postgresql":
        # One statement: the claimed rows (RETURNING) joined to their location, built into instances here
        # without the ORM's per-row query machinery (`.raw()` and a prefetch of `location` were a second query
        # and most of the claim's time). Each location's columns come on one row only (the join is on its first
        # claimed row; the others carry NULLs, which cost nothing to decode), and the cursor decodes timestamps
        # with psycopg's C loader: together about half the claim's CPU time.
        with transaction.atomic(), connection.cursor() as cursor:
            # The claim need not wait for its WAL to reach the disk: lost in a crash, its rows are simply still
            # queued, which is where they were (a later claim takes them). Every change after it (sent, retry,
            # failed) commits durably as usual, and flushes the claim's WAL with its own.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            c_timestamp_loader(cursor)
            cursor.execute(_CLAIM_POSTGRES, [owner, adapt(expires), adapt(now), adapt(now), limit])
            records = cursor.fetchall()
        locations = {
            record[_LOCATION_ID]: _instance(Location, _LOCATION_NAMES, _decoded(_LOCATION_CONVERTED, record[_SPLIT:]))
            for record in records
            if record[_SPLIT] is not None
        }
        return [_delivery_from_row(record, locations) for record in records]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_DUE_SQLITE, [adapt(now), limit])
        ids = [row[0] for row in cursor.fetchall()]
        if ids:
            Delivery.objects.filter(id__in=ids, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.SENDING,
                lease_owner=owner,
                lease_expires_at=expires,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    if not ids:
        return []
    claimed = Delivery.objects.filter(id__in=ids, status=DeliveryStatus.SENDING, lease_owner=owner)
    return sorted(claimed.select_related("location"), key=lambda d: (d.send_after, d.pk))


_DELIVERY_NAMES = [f.attname for f in _DELIVERY_FIELDS]
_LOCATION_NAMES = [f.attname for f in _LOCATION_FIELDS]
_SPLIT = len(_DELIVERY_FIELDS)
_LOCATION_ID = [f.attname for f in _DELIVERY_FIELDS].index("location_id")
_LOCATION_CACHE = Delivery._meta.get_field("location")


def _converted(fields: Sequence[Field[object, object]]) -> list[tuple[int, Any]]:
    return [(index, field) for index, field in enumerate(fields) if hasattr(field, "from_db_value")]


_DELIVERY_CONVERTED = _converted(_DELIVERY_FIELDS)
_LOCATION_CONVERTED = _converted(_LOCATION_FIELDS)


def _decoded(converted: list[tuple[int, Any]], values: Sequence[object]) -> list[object]:
    """The values as the ORM would load them (JSON decoded; the other columns come ready from the driver)."""
    out = list(values)
    for index, field in converted:
        if out[index] is not None:
            out[index] = field.from_db_value(out[index], None, connection)
    return out


def _instance(model: type[M], names: Sequence[str], values: Sequence[object]) -> M:
    """What `model.from_db(alias, names, values)` makes for a full row, without `Model.__init__`'s per-field
    descriptor work (16 µs a row, most of a 100-row claim's CPU). `__init__` also sends pre_init/post_init:
    when anything listens to them for this model, the ordinary path is taken."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model.from_db(connection.alias, list(names), list(values))
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, connection.alias
    return instance


def _delivery_from_row(record: Sequence[object], locations: dict[object, Location]) -> Delivery:
    """One claimed row as a Delivery with its location cached (one Location instance per location, shared)."""
    delivery = _instance(Delivery, _DELIVERY_NAMES, _decoded(_DELIVERY_CONVERTED, record[:_SPLIT]))
    _LOCATION_CACHE.set_cached_value(delivery, locations.get(delivery.location_id))
    return delivery


def _mine(delivery: Delivery, owner: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, lease_owner=owner)


def renew(delivery: Delivery, *, owner: str, lease: timedelta, now: datetime) -> bool:
    """Extend our lease before a send; False when the row is no longer ours (then it must not be sent)."""
    expires = now + lease
    with transaction.atomic():
        ok = _mine(delivery, owner).update(lease_expires_at=expires, updated_at=now) == 1
    if ok:
        delivery.lease_expires_at = expires
    return ok


def mark_sent(delivery: Delivery, *, owner: str, provider_id: str, now: datetime) -> bool:
    with transaction.atomic():
        ok = (
            _mine(delivery, owner).update(
                status=DeliveryStatus.SENT,
                sent_at=now,
                provider_message_id=provider_id[:200],
                last_error="",
                lease_owner="",
                lease_expires_at=None,
                updated_at=now,
            )
            == 1
        )
    if not ok:
        logger.warning("outbox: delivery %s was sent after its lease passed to another worker", delivery.pk)
    return ok


def mark_failed(delivery: Delivery, *, owner: str, error: str, now: datetime) -> bool:
    with transaction.atomic():
        return (
            _mine(delivery, owner).update(
                status=DeliveryStatus.FAILED,
                last_error=(error or "failed")[:2000],
                lease_owner="",
                lease_expires_at=None,
                updated_at=now,
            )
            == 1
        )


def mark_retry(delivery: Delivery, *, owner: str, error: str, now: datetime) -> bool:
    """Queued again after a backoff (SMS/WhatsApp also wait out quiet hours), or failed once out of attempts."""
    if delivery.attempts >= max_attempts():
        return mark_failed(delivery, owner=owner, error=f"gave up after {delivery.attempts} attempts: {error}", now=now)
    due = now + backoff(delivery.attempts)
    if delivery.channel in PHONE_CHANNELS:
        due = hold_back_for(due, delivery.location)
    with transaction.atomic():
        return (
            _mine(delivery, owner).update(
                status=DeliveryStatus.QUEUED,
                send_after=due,
                last_error=(error or "error")[:2000],
                lease_owner="",
                lease_expires_at=None,
                updated_at=now,
            )
            == 1
        )


def release(deliveries: Sequence[Delivery], *, owner: str, now: datetime) -> int:
    """Give back claimed rows we will not send (the worker is stopping); the claim's attempt is not counted."""
    if not deliveries:
        return 0
    with transaction.atomic():
        return Delivery.objects.filter(
            pk__in=[d.pk for d in deliveries], status=DeliveryStatus.SENDING, lease_owner=owner
        ).update(
            status=DeliveryStatus.QUEUED,
            attempts=F("attempts") - 1,
            lease_owner="",
            lease_expires_at=None,
            updated_at=now,
        )
