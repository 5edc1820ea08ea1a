"""Notifications benchmark (issue 11), run by `make bench`.

(a) Throughput: 10,000 queued emails delivered by 2 `manage.py worker` processes on PostgreSQL to a local SMTP
    server (aiosmtpd in this process) — messages/s from the moment the rows commit to the last one received,
    and how many were lost or duplicated (each message is counted by its delivery key). Goal: ≥ 300/s, 0 lost,
    0 duplicated.
(b) Claim latency: 1,000,000 reminders due in the coming weeks plus 100 due now; the time of one claim of 100
    rows (the worker's `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`), repeated, with the
    `EXPLAIN (ANALYZE, BUFFERS)` of the claim showing the partial index `notifications_delivery_due`.
    Goal: p50 ≤ 5 ms. Between rounds (outside the timed part) the 100 rows are queued again and the table is
    VACUUMed: re-queuing the same rows 30 times in a few seconds leaves dead index entries that a real outbox
    (where autovacuum keeps up with rows that are claimed once and sent) does not pile up in the due range, and
    without it each round scanned thousands of them. The claim's CPU time in this process is reported too.

`--quick` is a smoke run (500 emails, 20,000 future rows) that checks the benchmark works; it does not write
bench/RESULTS.md unless `--write` is given. A full run writes its block there (between its markers). The
PostgreSQL database `aa_bench_notify` is made afresh and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "RESULTS.md"
BLOCK = "notifications"
PG = "postgres@127.0.0.1:5432"
DB_NAME = "aa_bench_notify"
ADMIN_DSN = f"postgresql://{PG}/postgres"
DATABASE_URL = f"postgres://{PG}/{DB_NAME}"
TARGET_RATE = 300.0
TARGET_CLAIM_MS = 5.0
CLAIM_ROUNDS = 30
START_TIMEOUT_S = 60.0

ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "TESTING": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def log(message: str) -> None:
    print(f"[bench notifications] {message}", flush=True)


def admin_execute(*statements: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # constant statements: the database name is this module's constant


def create_database() -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


# --- The SMTP sink ----------------------------------------------------------------------------------------


class Sink:
    """aiosmtpd on a free port; counts messages by their X-AutoAgenda-Delivery header."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.keys: list[str] = []
        self.last_at = 0.0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                header = b"X-AutoAgenda-Delivery: "
                content: bytes = envelope.content
                start = content.find(header)
                key = content[start + len(header) : content.find(b"\r\n", start)].decode() if start >= 0 else "?"
                with sink.lock:
                    sink.keys.append(key)
                    sink.last_at = time.perf_counter()
                return "250 OK"

        import logging

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def count(self) -> int:
        with self.lock:
            return len(self.keys)


def start_worker(sink: Sink, log_dir: Path, n: int) -> tuple[subprocess.Popen[bytes], Path]:
    path = log_dir / f"worker-{n}.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--batch-size", "50", "--poll-seconds", "0.05", "--no-sweeps"],
        cwd=ROOT,
        env={**os.environ, **ENV, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"},
        stdout=path.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, path


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.02)


def _rows(count: int, *, due: datetime, spread: timedelta | None = None, prefix: str) -> list[Any]:
    from autoagenda.notifications.models import Delivery

    step = (spread / max(1, count)) if spread else timedelta(0)
    return [
        Delivery(
            event_key=f"{prefix}:{n}",
            channel="email",
            address=f"client{n}@example.com",
            template="test_message",
            context={"recipient_name": f"Client {n}"},
            language="es" if n % 2 else "en",
            send_after=due + step * n,
        )
        for n in range(count)
    ]


def throughput(emails: int) -> dict[str, Any]:
    from django.db import transaction

    from autoagenda.notifications.models import Delivery

    Delivery.objects.all().delete()
    sink = Sink()
    sink.controller.start()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    workers = [start_worker(sink, log_dir, n) for n in (1, 2)]
    try:
        for _process, path in workers:
            wait_until(lambda p=path: "sending notifications" in p.read_text(), START_TIMEOUT_S, "the workers")
        rows = _rows(emails, due=datetime.now(UTC) - timedelta(seconds=1), prefix="bench:a")
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, batch_size=2000)
        started = time.perf_counter()
        wait_until(lambda: sink.count() >= emails, 600, f"{emails} emails")
        wait_until(lambda: not Delivery.objects.exclude(status="sent").exists(), 120, "every row marked sent")
        elapsed = sink.last_at - started
    finally:
        for process, _path in workers:
            process.send_signal(signal.SIGTERM)
        for process, _path in workers:
            process.wait(timeout=60)
        sink.controller.stop()
    expected = {str(k) for k in Delivery.objects.values_list("key", flat=True)}
    counts = Counter(sink.keys)
    return {
        "emails": emails,
        "seconds": elapsed,
        "rate": emails / elapsed if elapsed > 0 else float("inf"),
        "lost": len(expected - set(counts)),
        "duplicated": sum(n - 1 for n in counts.values()),
    }


def claim_latency(future: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from autoagenda.notifications import outbox
    from autoagenda.notifications.models import Delivery

    Delivery.objects.all().delete()
    now = datetime.now(UTC)
    chunk = 20_000
    for offset in range(0, future, chunk):
        rows = _rows(min(chunk, future - offset), due=now + timedelta(days=1), spread=timedelta(days=30),
                     prefix=f"bench:future:{offset}")  # fmt: skip
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, batch_size=5000)
    due = _rows(100, due=now - timedelta(minutes=5), prefix="bench:due")
    Delivery.objects.bulk_create(due)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {outbox.TABLE}")
    timings, cpu = [], []
    for round_ in range(CLAIM_ROUNDS):
        started, used = time.perf_counter(), time.process_time()
        claimed = outbox.claim(owner=f"bench-{round_}", limit=100, lease=timedelta(minutes=1), now=now)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert len(claimed) == 100, len(claimed)
        Delivery.objects.filter(status="sending").update(status="queued", lease_owner="", lease_expires_at=None)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {outbox.TABLE}")  # not timed: see the docstring
    with transaction.atomic(), connection.cursor() as cursor:
        adapt = connection.ops.adapt_datetimefield_value
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + outbox._CLAIM_POSTGRES,
            ["explain", adapt(now + timedelta(minutes=1)), adapt(now), adapt(now), 100],
        )
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return {
        "future": future,
        "p50_ms": statistics.median(timings),
        "max_ms": max(timings),
        "cpu_ms": statistics.median(cpu),
        "plan": plan,
        "uses_index": any("notifications_delivery_due" in line for line in plan),
    }


def report(a: dict[str, Any], b: dict[str, Any], *, quick: bool) -> str:
    lines = [
        "# Notifications benchmark",
        "",
        f"`make bench` (= .venv/bin/python bench/notifications.py{' --quick' if quick else ''}), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL.",
        "",
        "| measure | result | goal |",
        "| --- | --- | --- |",
        f"| (a) {a['emails']:,} emails, 2 workers → local SMTP | {a['rate']:.0f} messages/s "
        f"({a['seconds']:.1f} s), {a['lost']} lost, {a['duplicated']} duplicated | ≥ {TARGET_RATE:.0f}/s, 0, 0 |",
        f"| (b) claim of 100 due rows among {b['future']:,} future ones | p50 {b['p50_ms']:.2f} ms, "
        f"max {b['max_ms']:.2f} ms over {CLAIM_ROUNDS} claims (VACUUM between them), "
        f"CPU p50 {b['cpu_ms']:.2f} ms | ≤ {TARGET_CLAIM_MS:.0f} ms |",
        "",
        f"The claim's plan ({'uses' if b['uses_index'] else 'does NOT use'} the partial index "
        "`notifications_delivery_due`):",
        "",
        "```",
        *b["plan"],
        "```",
    ]
    return "\n".join(lines)


def write_block(text: str) -> None:
    start, end = f"<!-- bench:{BLOCK}:start -->", f"<!-- bench:{BLOCK}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip() + "\n\n" + block
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 emails, 20,000 future rows")
    parser.add_argument("--emails", type=int, default=None)
    parser.add_argument("--future", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="write RESULTS.md even with --quick")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    emails = args.emails or (500 if args.quick else 10_000)
    future = args.future or (20_000 if args.quick else 1_000_000)
    log(f"database {DB_NAME}: creating")
    create_database()
    setup_django()
    try:
        log(f"(a) {emails} emails through 2 workers")
        a = throughput(emails)
        log(f"    {a['rate']:.0f} messages/s, {a['lost']} lost, {a['duplicated']} duplicated")
        log(f"(b) claim latency with {future} future rows")
        b = claim_latency(future)
        log(
            f"    p50 {b['p50_ms']:.2f} ms, max {b['max_ms']:.2f} ms, CPU p50 {b['cpu_ms']:.2f} ms, "
            f"partial index used: {b['uses_index']}"
        )
    finally:
        drop_database()
    text = report(a, b, quick=args.quick)
    print(text)
    if (not args.quick or args.write) and not args.no_write:
        write_block(text)
        log(f"written to {RESULTS.relative_to(ROOT)}")
    missed = a["lost"] or a["duplicated"] or a["rate"] < TARGET_RATE or b["p50_ms"] > TARGET_CLAIM_MS
    missed = missed or not b["uses_index"]
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
