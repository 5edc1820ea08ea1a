"""The worker's small scheduler: each registered sweep (autoagenda.core.sweeps) runs about once per its period.

Which worker runs it is decided in the database: a `SweepRun` row per sweep holds when it is next due, and a
worker takes it with a conditional update (`next_run_at <= now` → `now + every`). With N workers each sweep
still runs once per period, and a restart does not make it run again early.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from autoagenda.core import sweeps as registry
from autoagenda.notifications import services
from autoagenda.notifications.models import SweepRun

logger = logging.getLogger(__name__)

register = registry.register  # for apps above notifications; lower ones import autoagenda.core.sweeps


def run_due(*, now: datetime | None = None) -> list[tuple[str, str]]:
    """Run every sweep that is due; returns (name, summary) for each one run here."""
    now = now or timezone.now()
    ran: list[tuple[str, str]] = []
    for sweep in registry.registered():
        SweepRun.objects.get_or_create(name=sweep.name, defaults={"next_run_at": now})
        with transaction.atomic():
            taken = SweepRun.objects.filter(name=sweep.name, next_run_at__lte=now).update(
                next_run_at=now + sweep.every, last_started_at=now
            )
        if not taken:
            continue
        try:
            result = sweep.fn(now)
            summary = "" if result is None else str(result)
        except Exception as exc:
            logger.exception("sweep %s failed", sweep.name)
            summary = f"error: {type(exc).__name__}: {exc}"
        SweepRun.objects.filter(name=sweep.name).update(last_finished_at=timezone.now(), last_result=summary[:500])
        logger.info("sweep %s: %s", sweep.name, summary or "done")
        ran.append((sweep.name, summary))
    return ran


def prune_read_inbox(now: datetime) -> str:
    days = int(settings.NOTIFICATIONS_INBOX_RETENTION_DAYS)
    deleted = services.inapp_prune_read(older_than=now - timedelta(days=days))
    return f"{deleted} read in-app notifications older than {days} days deleted"


def prune_outbox(now: datetime) -> str:
    days = int(settings.NOTIFICATIONS_OUTBOX_RETENTION_DAYS)
    deleted = services.outbox_prune(older_than=now - timedelta(days=days))
    return f"{deleted} sent or cancelled deliveries older than {days} days deleted"


def register_builtin() -> None:
    registry.register("notifications.prune_read_inbox", every=timedelta(hours=6), fn=prune_read_inbox)
    registry.register("notifications.prune_outbox", every=timedelta(days=1), fn=prune_outbox)
