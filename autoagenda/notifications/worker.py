"""`manage.py worker`: sends the outbox and runs the periodic sweeps. One process; run as many as needed.

The loop: queue again what dead workers left (expired leases), claim a batch of due messages with a lease,
and for each one render, send, mark sent (or retry with backoff, or fail). SIGTERM or SIGINT finish the
message in hand, hand the rest of the batch back, and exit; a second SIGINT stops at once.

Delivery is at least once: a message is marked sent only after the provider took it, so a worker killed
between those two steps leaves it to be sent again when its lease expires — the only way a duplicate can
happen (docs/operations.md).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from typing import Any

from django.db import close_old_connections
from django.utils import timezone

from autoagenda.notifications import outbox, sweeps
from autoagenda.notifications.models import Delivery
from autoagenda.notifications.rendering import RenderError, render
from autoagenda.notifications.transports import DeliveryError, PermanentError, Transports

logger = logging.getLogger(__name__)

SWEEP_CHECK_SECONDS = 30.0


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0
    lost: int = 0  # sent, but the lease had passed to another worker


@dataclass
class Worker:
    batch_size: int = 20
    lease: timedelta = timedelta(seconds=120)
    poll_seconds: float = 1.0
    sweeps_enabled: bool = True
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
    stop: threading.Event = field(default_factory=threading.Event)
    stats: Stats = field(default_factory=Stats)
    on_sent: Callable[[Delivery], None] | None = None

    def __post_init__(self) -> None:
        self.transports = Transports()
        self._next_sweep_check = 0.0

    # --- signals -----------------------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        def finish(signum: int, frame: FrameType | None) -> None:
            logger.info(
                "worker %s: %s received, finishing the message in hand", self.owner, signal.Signals(signum).name
            )
            self.stop.set()
            # A second Ctrl-C is impatience: the default handler stops at once.
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)

    # --- the loop ----------------------------------------------------------------------------------------

    def run(self, *, exit_when_idle: bool = False) -> Stats:
        logger.info("worker %s started", self.owner)
        try:
            while not self.stop.is_set():
                try:
                    done = self.run_once()
                except Exception:
                    logger.exception("worker %s: the loop failed; trying again", self.owner)
                    close_old_connections()
                    done = 0
                if done == 0:
                    if exit_when_idle:
                        break
                    self.stop.wait(self.poll_seconds)
        finally:
            self.transports.close()
            logger.info("worker %s stopped: %s", self.owner, self.stats)
        return self.stats

    def run_once(self) -> int:
        """One turn: sweeps if due, expired leases, one batch. Returns how many messages were handled."""
        now = timezone.now()
        if self.sweeps_enabled and time.monotonic() >= self._next_sweep_check:
            self._next_sweep_check = time.monotonic() + SWEEP_CHECK_SECONDS
            sweeps.run_due(now=now)
        outbox.release_expired(now=now)
        batch = outbox.claim(owner=self.owner, limit=self.batch_size, lease=self.lease, now=now)
        for index, delivery in enumerate(batch):
            if self.stop.is_set():
                self.stats.released += outbox.release(batch[index:], owner=self.owner, now=timezone.now())
                return index
            self.process(delivery)
        return len(batch)

    # --- one message -----------------------------------------------------------------------------------------

    def process(self, delivery: Delivery) -> None:
        now = timezone.now()
        lease_left = (delivery.lease_expires_at - now) if delivery.lease_expires_at else timedelta(0)
        if lease_left < self.lease / 2 and not outbox.renew(delivery, owner=self.owner, lease=self.lease, now=now):
            return  # another worker has it now
        try:
            message = render(delivery)
        except RenderError as exc:
            self._fail(delivery, str(exc))
            return
        try:
            provider_id = self.transports.get(delivery.channel).send(delivery, message)
        except PermanentError as exc:
            self._fail(delivery, exc.message)
            return
        except DeliveryError as exc:
            self._retry(delivery, exc.message)
            return
        except Exception as exc:  # an adapter's surprise: treat as temporary, never crash the loop
            logger.exception("delivery %s: unexpected error from the %s transport", delivery.pk, delivery.channel)
            self._retry(delivery, f"{type(exc).__name__}: {exc}")
            return
        if outbox.mark_sent(delivery, owner=self.owner, provider_id=provider_id, now=timezone.now()):
            self.stats.sent += 1
        else:
            self.stats.lost += 1
        if self.on_sent is not None:
            self.on_sent(delivery)

    def _fail(self, delivery: Delivery, error: str) -> None:
        logger.warning("delivery %s (%s to %s) failed: %s", delivery.pk, delivery.channel, delivery.address, error)
        outbox.mark_failed(delivery, owner=self.owner, error=error, now=timezone.now())
        self.stats.failed += 1

    def _retry(self, delivery: Delivery, error: str) -> None:
        logger.info("delivery %s (%s) will be retried: %s", delivery.pk, delivery.channel, error)
        outbox.mark_retry(delivery, owner=self.owner, error=error, now=timezone.now())
        self.stats.retried += 1


def describe_channels() -> dict[str, Any]:
    """What this worker sends through, for its start-up line."""
    from django.conf import settings

    return {
        "email": settings.EMAIL_BACKEND.rsplit(".", 2)[-2] if "." in settings.EMAIL_BACKEND else settings.EMAIL_BACKEND,
        "sms": settings.SMS_PROVIDER or "console",
        "whatsapp": settings.WHATSAPP_PROVIDER or "console",
    }
