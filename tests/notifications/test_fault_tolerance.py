"""The outbox's guarantee under faults, with real processes and a real SMTP server:

- two workers, one of them SIGKILLed several times mid-batch and restarted: nothing is lost, and duplicates are
  at most one per kill (only a message in flight at the kill can be sent twice); a reminder cancelled before
  its time never arrives — also those of real bookings cancelled through the scheduling service;
- the SMTP server refuses (4xx) for a while, then accepts: every message arrives exactly once.

Bounded in time: every wait is on a condition with a deadline, no fixed sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from autoagenda.notifications.models import Delivery
from autoagenda.notifications.services import Contact, notification_cancel, notification_enqueue
from autoagenda.scheduling import services as booking
from tests.catalog.factories import ServiceFactory
from tests.notifications.peers import SmtpSink, wait_until
from tests.walkins.asgi_server import ROOT, database_url

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

START_S = 60  # a cold process imports Django first
DELIVER_S = 120


class WorkerProcess:
    """`manage.py worker` in a child process on this test's database, sending to the sink."""

    def __init__(self, sink: SmtpSink, **env: str) -> None:
        self.env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url(),
            EMAIL_URL=sink.url,
            TESTING="1",
            DEBUG="1",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
            **env,
        )
        self.logs: list[Path] = []
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """A new process with its own log (so "ready" is read from this run's output, not an earlier one's)."""
        self.log = tempfile.NamedTemporaryFile("w+", prefix="worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.logs.append(Path(self.log.name))
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--batch-size", "10", "--lease-seconds", "2",
             "--poll-seconds", "0.05", "--no-sweeps"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        # Its signal handlers are installed before it prints its first line; a SIGTERM while Django is still
        # importing would just end the process (exit -15), which is not what this checks.
        wait_until(lambda: "sending notifications" in self.output(), timeout=START_S, what="the worker to start")
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)  # a loaded machine (CI beside other jobs) is slow to wind down
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise

    def output(self) -> str:
        return self.logs[-1].read_text() if self.logs else ""


def _delivered(sink: SmtpSink) -> list[str]:
    with sink.lock:
        return [str(m["X-AutoAgenda-Delivery"]) for m in sink.messages]


def _enqueue(count: int, prefix: str = "appointment") -> None:
    for n in range(count):
        notification_enqueue(
            event_key=f"{prefix}:{n}:reminder:24h",
            recipient=Contact(email=f"client{n}@example.com", name=f"Client {n}", language="es" if n % 2 else "en"),
            template="test_message",
            channels=["email"],
        )


def _book_then_cancel_half(cast, count: int = 6) -> None:
    """Real bookings (their confirmations and reminders come from the subscribers), the reminders made due now
    as if their time had come, then half of the bookings cancelled through the service: their reminders must
    never arrive."""
    service = ServiceFactory(locations=[cast.location], mechanics=[cast.mechanic], duration_minutes=30)
    day = timezone.now().astimezone(cast.location.zone).date() + timedelta(days=7)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    booked = [
        booking.appointment_book(
            actor=cast.client,
            location=cast.location,
            service=service,
            start=datetime.combine(day, time(9, 0), tzinfo=cast.location.zone) + timedelta(minutes=30 * n),
        )
        for n in range(count)
    ]
    Delivery.objects.filter(template="appointment_reminder").update(send_after=timezone.now())
    for appointment in booked[: count // 2]:
        booking.appointment_cancel(actor=cast.receptionist, appointment=appointment)


def test_killing_a_worker_mid_batch_loses_nothing_and_duplicates_at_most_one_per_kill(cast):
    _enqueue(300, prefix="load")  # not "appointment:<id>": the real bookings below have those keys
    cancelled = notification_cancel(event_keys=[f"load:{n}:reminder:24h" for n in range(280, 300)])
    assert cancelled == 20
    _book_then_cancel_half(cast)
    assert Delivery.objects.filter(template="appointment_reminder", status="cancelled").count() == 6  # 3 × 2
    expected = {str(key) for key in Delivery.objects.filter(status="queued").values_list("key", flat=True)}
    cancelled_keys = {str(key) for key in Delivery.objects.filter(status="cancelled").values_list("key", flat=True)}
    assert len(expected) == 280 + 6 + 6 + 3  # the 300 minus 20, confirmations, live reminders, cancellations

    with SmtpSink() as sink:
        steady, victim = WorkerProcess(sink), WorkerProcess(sink)
        steady.start()
        victim.start()
        kills = 0
        try:
            for _ in range(3):
                before = len(_delivered(sink))
                wait_until(lambda b=before: len(_delivered(sink)) >= b + 30, timeout=START_S, what="progress")
                victim.kill()  # mid-batch: it holds up to 10 leased rows, one perhaps half-sent
                kills += 1
                victim.start()
            wait_until(lambda: set(_delivered(sink)) >= expected, timeout=DELIVER_S, what="every message")
            wait_until(
                lambda: not Delivery.objects.exclude(status__in=["sent", "cancelled"]).exists(),
                timeout=DELIVER_S,
                what="every row marked sent",
            )
        finally:
            codes = (steady.stop(), victim.stop())
        delivered = _delivered(sink)

    counts = Counter(delivered)
    duplicates = sum(n - 1 for n in counts.values())
    assert expected - set(counts) == set(), "lost messages"
    assert duplicates <= kills, f"{duplicates} duplicates for {kills} kills"
    assert not cancelled_keys & set(counts), "a cancelled reminder was sent"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent", "cancelled"}
    assert codes == (0, 0), steady.output() + victim.output()


def test_an_smtp_server_that_defers_for_a_while_gets_each_message_exactly_once():
    _enqueue(20, prefix="deferred")
    expected = {str(key) for key in Delivery.objects.values_list("key", flat=True)}
    with SmtpSink(refuse_data="451 4.3.0 Greylisted, try again later") as sink:
        worker = WorkerProcess(
            sink,
            NOTIFICATIONS_RETRY_BASE_SECONDS="0.1",
            NOTIFICATIONS_RETRY_MAX_SECONDS="0.5",
            NOTIFICATIONS_MAX_ATTEMPTS="100",
        )
        worker.start()
        try:
            wait_until(lambda: sink.refused >= 40, timeout=START_S, what="the server to refuse every message twice")
            assert Delivery.objects.filter(status="queued", last_error__contains="451").exists()
            sink.refuse_data = None
            wait_until(lambda: len(_delivered(sink)) >= 20, timeout=DELIVER_S, what="the messages after the deferral")
            wait_until(
                lambda: Delivery.objects.filter(status="sent").count() == 20, timeout=DELIVER_S, what="rows sent"
            )
        finally:
            code = worker.stop()
        delivered = _delivered(sink)
    assert Counter(delivered) == Counter(expected)
    assert code == 0, worker.output()
