"""`manage.py worker`: the outbox sender and periodic sweeps (notifications/worker.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from autoagenda.notifications.worker import Worker, describe_channels


class Command(BaseCommand):
    help = "Send queued notifications (email, SMS, WhatsApp) and run the periodic sweeps. Stop with SIGTERM/Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=settings.WORKER_BATCH_SIZE)
        parser.add_argument("--lease-seconds", type=float, default=settings.WORKER_LEASE_SECONDS)
        parser.add_argument("--poll-seconds", type=float, default=settings.WORKER_POLL_SECONDS)
        parser.add_argument("--exit-when-idle", action="store_true", help="Stop when nothing is due (scripts, tests).")
        parser.add_argument("--no-sweeps", action="store_true", help="Only send; leave the sweeps to other workers.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            batch_size=max(1, options["batch_size"]),
            lease=timedelta(seconds=max(1.0, options["lease_seconds"])),
            poll_seconds=max(0.05, options["poll_seconds"]),
            sweeps_enabled=not options["no_sweeps"],
        )
        worker.install_signal_handlers()
        channels = ", ".join(f"{name} via {how}" for name, how in describe_channels().items())
        self.stdout.write(f"Worker {worker.owner} sending notifications ({channels}). Ctrl-C stops it.")
        stats = worker.run(exit_when_idle=options["exit_when_idle"])
        self.stdout.write(
            f"Worker stopped: {stats.sent} sent, {stats.retried} to retry, {stats.failed} failed, "
            f"{stats.released} handed back."
        )
