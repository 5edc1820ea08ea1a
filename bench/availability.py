"""Availability and booking benchmark (issue 3 item 8), run by `make bench`.

One run measures, on this machine:

(a) the pure engine (`availability.available_slots`) for 31 days, from data built in memory;
(b) GET /api/v1/locations/{id}/availability/ through the real ASGI server (uvicorn, 2 workers, PostgreSQL);
(c) GET /health/ on the same server, same concurrency, as the "trivial endpoint" baseline;
(d) bookings per second through `services.appointment_book` with 8 concurrent clients on PostgreSQL, then
    races for the same slots, and an SQL check that nothing was overbooked.

It writes the figures to bench/RESULTS.md and prints them. It creates the PostgreSQL database `aa_bench` and
drops it again at the end; it never touches any other database.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import math
import os
import platform
import pstats
import random
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
COMMAND = "make bench  (= .venv/bin/python bench/availability.py)"

# BENCH_DB_NAME: another name for the benchmark's own database (it must start with "aa_bench"), so that two runs
# on one machine do not drop each other's.
DB_NAME = os.environ.get("BENCH_DB_NAME", "aa_bench")
if not DB_NAME.startswith("aa_bench") or not DB_NAME.replace("_", "").isalnum():
    raise SystemExit("BENCH_DB_NAME must start with aa_bench and hold only letters, digits and underscores")
PG = "postgres@127.0.0.1:5432"
ADMIN_DSN = f"postgresql://{PG}/postgres"
DATABASE_URL = f"postgres://{PG}/{DB_NAME}"

ZONE_NAME = "America/Santiago"
COUNTRY = "CL"
MECHANICS = 20
SLOT_MINUTES = 30
DURATION = 60
BUFFER = 10
# Monday–Saturday 09:00–13:00 and 14:00–19:00 (a lunch break); Sunday closed.
OPENING: dict[int, list[tuple[int, int]]] = {day: [(540, 780), (840, 1140)] for day in range(1, 7)} | {7: []}
BOOKINGS = 5000
SPREAD_DAYS = 60
RANGE_DAYS = 31
# Back-to-back positions of a 60+10-minute booking on the 30-minute grid: every 90 minutes inside each opening
# interval. Existing bookings sit on these, so the calendar is dense but never overlaps (PostgreSQL's exclusion
# constraint would refuse that anyway).
PITCH = (540, 630, 720, 840, 930, 1020)
THREADS = 8
SEED = 20261123

# The race location: a few mechanics and capacity limits, so the races test hour/day capacity too.
RACE_MECHANICS = 6
RACE_PER_HOUR = 4
RACE_PER_DAY = 16

TARGET_P95_MS = 50.0
TARGET_RATIO = 0.5
TARGET_BOOKINGS = 200.0

SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": DATABASE_URL,
    "THROTTLE_ANON": "1000000/min",
    "THROTTLE_USER": "1000000/min",
    "DATABASE_POOL_MAX_SIZE": "4",
}


def log(message: str) -> None:
    print(message, flush=True)


# --- statistics -------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Figure:
    label: str
    p50: float | None = None
    p95: float | None = None
    rate: float | None = None
    rate_unit: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""


# --- machine ----------------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "cpus": str(len(os.sched_getaffinity(0))),  # what `nproc` prints
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


# --- the workload, in memory ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """The shared workload: dates, the existing bookings and the free positions left for the booking phase."""

    zone: ZoneInfo
    today: date
    first: date  # availability range, inclusive
    last: date
    holidays: frozenset[date]
    bookings: list[tuple[int, date, int]]  # (mechanic index, local date, start minute)
    leftovers: list[tuple[int, date, int]]


def make_plan(today: date, holidays: frozenset[date]) -> Plan:
    days = [today + timedelta(days=offset) for offset in range(1, SPREAD_DAYS + 1)]
    positions = [
        (mechanic, day, minute)
        for day in days
        if OPENING[day.isoweekday()] and day not in holidays
        for mechanic in range(MECHANICS)
        for minute in PITCH
    ]
    if len(positions) < BOOKINGS:
        raise SystemExit(f"only {len(positions)} positions for {BOOKINGS} bookings")
    random.Random(SEED).shuffle(positions)
    return Plan(
        zone=ZoneInfo(ZONE_NAME),
        today=today,
        first=today + timedelta(days=1),
        last=today + timedelta(days=RANGE_DAYS),
        holidays=holidays,
        bookings=sorted(positions[:BOOKINGS], key=lambda item: (item[1], item[2], item[0])),
        leftovers=sorted(positions[BOOKINGS:], key=lambda item: (item[1], item[2], item[0])),
    )


def local_start(zone: ZoneInfo, day: date, minute: int) -> datetime:
    return datetime.combine(day, clock_time(minute // 60, minute % 60), tzinfo=zone)


def booking_times(zone: ZoneInfo, day: date, minute: int) -> tuple[datetime, datetime, datetime]:
    start = local_start(zone, day, minute).astimezone(UTC)
    end = start + timedelta(minutes=DURATION)
    return start, end, end + timedelta(minutes=BUFFER)


# --- (a) the engine alone -------------------------------------------------------------------------------------


def engine_query(plan: Plan, mechanic_ids: list[int], now: datetime) -> Any:
    from autoagenda.scheduling import availability

    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    per_mechanic_day: dict[int, Counter[date]] = defaultdict(Counter)
    per_hour: Counter[tuple[date, int]] = Counter()
    per_day: Counter[date] = Counter()
    for index, day, minute in plan.bookings:
        start, _end, occupied = booking_times(plan.zone, day, minute)
        mechanic = mechanic_ids[index]
        busy[mechanic].append((start, occupied))  # all 5,000 over 60 days: more than the selector would pass
        if plan.first <= day <= plan.last:
            per_mechanic_day[mechanic][day] += 1
            per_hour[(day, minute // 60)] += 1
            per_day[day] += 1
    return availability.AvailabilityQuery(
        zone=plan.zone,
        first_date=plan.first,
        last_date=plan.last,
        now=now,
        slot_minutes=SLOT_MINUTES,
        duration_minutes=DURATION,
        buffer_minutes=BUFFER,
        opening=OPENING,
        closures=(),
        holidays=frozenset(day for day in plan.holidays if plan.first <= day <= plan.last),
        min_notice_minutes=60,
        horizon_days=60,
        max_per_hour=None,
        max_per_day=None,
        appointments_per_hour=dict(per_hour),
        appointments_per_date=dict(per_day),
        requires_mechanic=True,
        mechanics=tuple(
            availability.MechanicCalendar(
                id=mechanic,
                hours=None,
                busy=tuple(sorted(busy[mechanic])),
                bookings_per_date=dict(per_mechanic_day[mechanic]),
            )
            for mechanic in mechanic_ids
        ),
    )


def bench_engine(plan: Plan, mechanic_ids: list[int], runs: int) -> tuple[Figure, int, list[float]]:
    from autoagenda.scheduling import availability

    query = engine_query(plan, mechanic_ids, datetime.now(UTC))
    for _ in range(3):
        availability.available_slots(query)
    timings: list[float] = []
    slots = 0
    for _ in range(runs):
        started = time.perf_counter()
        slots = len(availability.available_slots(query))
        timings.append((time.perf_counter() - started) * 1000)
    figure = Figure(
        label=f"(a) engine `available_slots`, 31 days, {runs} runs",
        p50=statistics.median(timings),
        p95=percentile(timings, 0.95),
        rate=1000 / statistics.median(timings),
        rate_unit="calls/s (1 core)",
        note=f"{slots} slots offered",
    )
    return figure, slots, timings


# --- PostgreSQL and Django --------------------------------------------------------------------------------------


def admin_execute(*statements: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # constant statements: the database name is this module's constant


def postgres_version() -> str:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def create_database() -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )


def drop_database() -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    os.environ.update(SERVER_ENV)
    # The server pools its connections; this process forks booking clients, which must not inherit a pool.
    os.environ.pop("DATABASE_POOL_MAX_SIZE", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["TESTING"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class World:
    location_id: int
    race_location_id: int
    service_id: int
    mechanic_ids: list[int]
    race_mechanic_ids: list[int]
    client_ids: list[int]


def seed(plan: Plan) -> World:
    """The location, its mechanics and service, and the 5,000 bookings, straight into PostgreSQL."""
    from django.db import transaction

    from autoagenda.accounts.models import Role, StaffMembership, User
    from autoagenda.catalog.models import Service
    from autoagenda.locations.models import Location, OpeningHours
    from autoagenda.scheduling.models import Appointment, AppointmentStatus, AppointmentStatusChange

    def people(prefix: str, count: int, role: str) -> list[User]:
        users = [
            User(email=f"{prefix}{number}@bench.example", first_name=prefix.title(), last_name=str(number), role=role)
            for number in range(count)
        ]
        for user in users:
            user.set_unusable_password()
        return User.objects.bulk_create(users)

    with transaction.atomic():
        location = Location.objects.create(
            name="Bench Centro",
            timezone=ZONE_NAME,
            country=COUNTRY,
            slot_minutes=SLOT_MINUTES,
            min_notice_minutes=60,
            booking_horizon_days=60,
        )
        race = Location.objects.create(
            name="Bench Race",
            timezone=ZONE_NAME,
            country=COUNTRY,
            slot_minutes=SLOT_MINUTES,
            min_notice_minutes=60,
            booking_horizon_days=60,
            max_appointments_per_hour=RACE_PER_HOUR,
            max_appointments_per_day=RACE_PER_DAY,
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=where, weekday=day, start_minute=start, end_minute=end)
            for where in (location, race)
            for day, intervals in OPENING.items()
            for start, end in intervals
        )
        mechanics = people("mechanic", MECHANICS, Role.MECHANIC)
        race_mechanics = people("racer", RACE_MECHANICS, Role.MECHANIC)
        clients = people("client", THREADS * 4, Role.CLIENT)
        StaffMembership.objects.bulk_create(
            [StaffMembership(user=user, location=location, role=Role.MECHANIC) for user in mechanics]
            + [StaffMembership(user=user, location=race, role=Role.MECHANIC) for user in race_mechanics]
        )
        service = Service.objects.create(
            name="Cambio de aceite",
            duration_minutes=DURATION,
            buffer_minutes=BUFFER,
            price="35000",
            tax_rate="19",
            requires_mechanic=True,
        )
        service.locations.set([location, race])

        rng = random.Random(SEED)
        rows = []
        for index, day, minute in plan.bookings:
            start, end, occupied = booking_times(plan.zone, day, minute)
            rows.append(
                Appointment(
                    location=location,
                    service=service,
                    client=clients[rng.randrange(len(clients))],
                    mechanic=mechanics[index],
                    start=start,
                    end=end,
                    occupied_until=occupied,
                    local_date=day,
                    local_hour=minute // 60,
                    duration_minutes=DURATION,
                    buffer_minutes=BUFFER,
                    status=AppointmentStatus.CONFIRMED,
                )
            )
        created = Appointment.objects.bulk_create(rows, batch_size=1000)
        AppointmentStatusChange.objects.bulk_create(
            (
                AppointmentStatusChange(appointment=item, from_status="", to_status=AppointmentStatus.CONFIRMED)
                for item in created
            ),
            batch_size=1000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return World(
        location_id=location.pk,
        race_location_id=race.pk,
        service_id=service.pk,
        mechanic_ids=[user.pk for user in mechanics],
        race_mechanic_ids=[user.pk for user in race_mechanics],
        client_ids=[user.pk for user in clients],
    )


# --- (b)/(c) the real server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(workdir: Path) -> Iterator[int]:
    port = free_port()
    log_path = workdir / "uvicorn.log"
    with open(log_path, "wb") as output:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "uvicorn"),
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**os.environ, **SERVER_ENV},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"uvicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
                conn.close()
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"uvicorn did not answer /health/:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)  # waiting for a server to boot, not a test
        yield port
    finally:
        # Our own child and its workers (it leads its own session): SIGTERM, then SIGKILL if it lingers.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        tail = log_path.read_text(errors="replace").strip()
        if tail:
            log(f"uvicorn log (last lines):\n{tail[-1500:]}")


@dataclass
class Load:
    latencies: list[float]
    wall: float
    failures: Counter[int] = field(default_factory=Counter)
    reconnects: int = 0
    sample: bytes = b""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall


def load(port: int, path: str, total: int, threads: int) -> Load:
    """`total` GETs of `path` from `threads` keep-alive connections; latency per request and overall rate."""
    lock = threading.Lock()
    issued = 0
    result = Load(latencies=[], wall=0.0)
    barrier = threading.Barrier(threads + 1)

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        failures: Counter[int] = Counter()
        reconnects = 0
        sample = b""
        barrier.wait()
        while True:
            with lock:
                if issued >= total:
                    break
                issued += 1
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "application/json"})
            response = conn.getresponse()
            body = response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                failures[response.status] += 1
            sample = sample or body
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                reconnects += 1
        conn.close()
        with lock:
            result.latencies.extend(mine)
            result.failures.update(failures)
            result.reconnects += reconnects
            result.sample = result.sample or sample

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in workers:
        thread.join()
    result.wall = time.perf_counter() - started
    return result


# --- (d) bookings -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    ok: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0  # seconds of CPU the client processes used while booking
    backend_cpu: float = 0.0  # seconds of CPU their PostgreSQL server processes used meanwhile
    statements: int = 0  # SQL statements the clients sent while booking
    backend_pids: list[int] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        self.cpu += other.cpu
        self.backend_cpu += other.backend_cpu
        self.statements += other.statements
        self.backend_pids.extend(other.backend_pids)
        self.ok += other.ok
        self.codes.update(other.codes)
        self.unexpected.extend(other.unexpected)
        self.latencies.extend(other.latencies)


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) process `pid` has used: a PostgreSQL backend on this machine."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LockSampler:
    """Samples pg_stat_activity every `interval` seconds while a phase runs: what the phase's backends wait on.

    Counts backend-samples (one active backend seen once), by wait event, and for lock waits by the statement
    that waits (its first words), so a hot row shows up as the statement queued behind it.
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.samples = 0
        self.seen = 0
        self.events: Counter[str] = Counter()
        self.waiting: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://{PG}/{DB_NAME}", autocommit=True) as conn:
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, ''), left(query, 90) "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'active' AND backend_type = 'client backend'"
                ).fetchall()
                self.samples += 1
                for kind, event, query in rows:
                    self.seen += 1
                    self.events[f"{kind}:{event}" if event else kind] += 1
                    if kind == "Lock":
                        self.waiting[f"{event}: {' '.join(query.split())}"] += 1
                self._stop.wait(self.interval)

    def summary(self) -> str:
        if not self.seen:
            return f"{self.samples} samples, no active backend seen"

        def share(count: int) -> str:
            return f"{100 * count / self.seen:.0f}%"

        events = ", ".join(f"{name} {share(count)}" for name, count in self.events.most_common(6))
        waits = "; ".join(f"`{name}` {share(count)}" for name, count in self.waiting.most_common(4))
        return (
            f"{self.samples} samples of pg_stat_activity every {self.interval * 1000:.0f} ms, "
            f"{self.seen / self.samples:.1f} active backends on average: {events}"
            + (f". Lock waits by waiting statement: {waits}" if waits else "")
        )


Task = tuple[date, int, int | None]  # local date, start minute, mechanic id (None: the engine picks)


class _WarmUpDone(Exception):
    pass


def warm_up(location: Any, service: Any, client: Any, mine: list[Task], mechanics: dict[int, Any]) -> None:
    """Book this client's first slot in a transaction that is rolled back: the process then is as warm as a web
    worker that has served a request (URL configuration, templates, holidays, remembered configuration loaded:
    about a second of CPU once per process), and the slot stays free for the measured run."""
    from django.db import transaction

    from autoagenda.core.errors import ApplicationError
    from autoagenda.scheduling import services

    if not mine:
        return
    day, minute, mechanic_id = mine[0]
    with suppress(_WarmUpDone, ApplicationError), transaction.atomic():
        services.appointment_book(
            actor=client,
            location=location,
            service=service,
            start=local_start(location.zone, day, minute),
            mechanic=mechanics[mechanic_id] if mechanic_id else None,
        )
        raise _WarmUpDone


def _booking_client(
    number: int,
    location_id: int,
    service_id: int,
    client_id: int,
    mine: list[Task],
    barrier: Any,
    results: Any,
) -> None:
    """One client process: its own interpreter and database connection, like a web worker."""
    from django.db import connection

    from autoagenda.accounts.models import User
    from autoagenda.catalog.models import Service
    from autoagenda.core.errors import ApplicationError
    from autoagenda.locations.models import Location
    from autoagenda.scheduling import services

    outcome = Outcome()
    try:
        connection.close()  # never share the parent's socket
        location = Location.objects.get(pk=location_id)
        service = Service.objects.get(pk=service_id)
        client = User.objects.get(pk=client_id)
        mechanics = {user.pk: user for user in User.objects.filter(pk__in={m for _d, _m, m in mine if m})}
        zone = location.zone
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        outcome.backend_pids.append(backend)

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            outcome.statements += 1
            return execute(sql, params, many, context)

        warm_up(location, service, client, mine, mechanics)
        connection.execute_wrappers.append(count)
        barrier.wait()
        used, backend_used = time.process_time(), process_cpu(backend)
        for day, minute, mechanic_id in mine:
            started = time.perf_counter()
            try:
                services.appointment_book(
                    actor=client,
                    location=location,
                    service=service,
                    start=local_start(zone, day, minute),
                    mechanic=mechanics[mechanic_id] if mechanic_id else None,
                )
                outcome.ok += 1
            except ApplicationError as error:
                outcome.codes[error.code] += 1
            except Exception as error:  # anything else is a finding, not a crash of the benchmark
                outcome.unexpected.append(f"{type(error).__name__}: {error}"[:300])
            outcome.latencies.append((time.perf_counter() - started) * 1000)
        outcome.cpu = time.process_time() - used
        outcome.backend_cpu = process_cpu(backend) - backend_used
        connection.execute_wrappers.remove(count)
    finally:
        connection.close()
        results.put(outcome)


def run_bookings(location_id: int, service_id: int, client_ids: list[int], tasks: list[list[Task]]) -> Outcome:
    """One client PROCESS per task list (so the clients are not one Python interpreter's GIL), all starting
    together; each books through `appointment_book` on its own database connection."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # the children are forked: none may inherit an open connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(tasks) + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=_booking_client,
            args=(number, location_id, service_id, client_ids[number], mine, barrier, results),
        )
        for number, mine in enumerate(tasks)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    total = Outcome()
    for _ in processes:
        total.merge(results.get(timeout=600))
    total.wall = time.perf_counter() - started
    for process in processes:
        process.join(timeout=60)
    return total


def grid(day: date) -> list[int]:
    return [
        minute for start, end in OPENING[day.isoweekday()] for minute in range(start, end - DURATION + 1, SLOT_MINUTES)
    ]


@dataclass
class Verification:
    overlaps: int
    hours_over: int
    days_over: int
    inconsistent: int
    active: int
    by_location: dict[int, int]

    @property
    def clean(self) -> bool:
        return not (self.overlaps or self.hours_over or self.days_over or self.inconsistent)


def verify() -> Verification:
    """Zero overbooking, checked in SQL over every active appointment in the database."""
    from django.db import connection

    from autoagenda.scheduling.models import ACTIVE_STATUSES

    active = [str(status) for status in ACTIVE_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM scheduling_appointment a
            JOIN scheduling_appointment b
              ON a.mechanic_id = b.mechanic_id AND a.id < b.id
             AND tstzrange(a.start, a.occupied_until) && tstzrange(b.start, b.occupied_until)
            WHERE a.status = ANY(%s) AND b.status = ANY(%s)
            """,
            [active, active],
        )
        overlaps = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM (
              SELECT a.location_id, a.local_date, a.local_hour
              FROM scheduling_appointment a JOIN locations_location l ON l.id = a.location_id
              WHERE a.status = ANY(%s) AND l.max_appointments_per_hour IS NOT NULL
              GROUP BY a.location_id, a.local_date, a.local_hour, l.max_appointments_per_hour
              HAVING count(*) > l.max_appointments_per_hour
            ) over_hour
            """,
            [active],
        )
        hours_over = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM (
              SELECT a.location_id, a.local_date
              FROM scheduling_appointment a JOIN locations_location l ON l.id = a.location_id
              WHERE a.status = ANY(%s) AND l.max_appointments_per_day IS NOT NULL
              GROUP BY a.location_id, a.local_date, l.max_appointments_per_day
              HAVING count(*) > l.max_appointments_per_day
            ) over_day
            """,
            [active],
        )
        days_over = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT count(*) FROM scheduling_appointment a JOIN locations_location l ON l.id = a.location_id
            WHERE a."end" <> a.start + make_interval(mins => a.duration_minutes)
               OR a.occupied_until <> a."end" + make_interval(mins => a.buffer_minutes)
               OR (a.start AT TIME ZONE l.timezone)::date <> a.local_date
               OR extract(hour FROM a.start AT TIME ZONE l.timezone) <> a.local_hour
            """
        )
        inconsistent = cursor.fetchone()[0]
        cursor.execute(
            "SELECT location_id, count(*) FROM scheduling_appointment WHERE status = ANY(%s) GROUP BY location_id",
            [active],
        )
        by_location = {row[0]: row[1] for row in cursor.fetchall()}
    return Verification(
        overlaps=overlaps,
        hours_over=hours_over,
        days_over=days_over,
        inconsistent=inconsistent,
        active=sum(by_location.values()),
        by_location=by_location,
    )


# --- profiling --------------------------------------------------------------------------------------------------


def availability_breakdown(plan: Plan, world: World, runs: int) -> dict[str, tuple[float, float]]:
    """Where one availability request's time goes, in-process: data (SQL), engine and rendering when the answer
    is computed (cache miss), and the whole view as (b) serves it (cache hit)."""
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIRequestFactory

    from autoagenda.catalog.models import Service
    from autoagenda.locations.models import Location
    from autoagenda.scheduling import availability, selectors
    from autoagenda.scheduling.booking.api import AvailabilityView

    location = Location.objects.get(pk=world.location_id)
    service = Service.objects.get(pk=world.service_id)
    view = AvailabilityView.as_view()
    factory = APIRequestFactory()
    path = availability_path(plan, world)
    parts: dict[str, list[float]] = defaultdict(list)
    queries = 0
    for run in range(runs + 2):
        t0 = time.perf_counter()
        query = selectors.availability_query(
            location=location, service=service, first_date=plan.first, last_date=plan.last, now=timezone.now()
        )
        t1 = time.perf_counter()
        slots = availability.available_slots(query)
        t2 = time.perf_counter()
        zone = location.zone
        json.dumps(
            [
                {
                    "start": slot.start.astimezone(UTC).astimezone(zone).isoformat(),
                    "end": slot.end.astimezone(UTC).astimezone(zone).isoformat(),
                    "mechanics": list(slot.mechanics),
                }
                for slot in slots
            ]
        )
        t3 = time.perf_counter()
        before = len(connection.queries_log)
        connection.force_debug_cursor = True
        response = view(factory.get(path), pk=world.location_id)
        if hasattr(response, "render"):
            response.render()
        t4 = time.perf_counter()
        connection.force_debug_cursor = False
        queries = len(connection.queries_log) - before
        if run >= 2:
            parts["selector: availability_query (SQL + Python; configuration remembered)"].append((t1 - t0) * 1000)
            parts["engine: available_slots"].append((t2 - t1) * 1000)
            parts["render: isoformat + json.dumps"].append((t3 - t2) * 1000)
            parts["whole view in-process (no HTTP), answer cached: what (b) serves"].append((t4 - t3) * 1000)
    result = {name: (statistics.median(values), percentile(values, 0.95)) for name, values in parts.items()}
    result[f"SQL queries per request: {queries}"] = (float(queries), float(queries))
    return result


def loader_comparison(plan: Plan, world: World, runs: int = 15) -> tuple[int, float, float]:
    """The selector's busy-span query (same filter), loaded by Django vs by psycopg's C timestamptz loader.

    Django registers a Python subclass of psycopg's TimestamptzLoader, so psycopg cannot use its C version.
    """
    from django.db import connection
    from psycopg.types.datetime import TimestamptzLoader

    from autoagenda.scheduling import selectors
    from autoagenda.scheduling.models import ACTIVE_STATUSES, Appointment

    zone = ZoneInfo(ZONE_NAME)
    span_start = selectors.local_midnight(plan.first, zone)
    span_end = selectors.local_midnight(plan.last + timedelta(days=1), zone) + timedelta(minutes=DURATION + BUFFER)
    rows = (
        Appointment.objects.filter(
            mechanic_id__in=world.mechanic_ids,
            status__in=ACTIVE_STATUSES,
            start__lt=span_end,
            occupied_until__gt=span_start,
        )
        .order_by("start", "id")
        .values_list("mechanic_id", "start", "occupied_until", "location_id", "local_date")
    )
    sql, params = rows.query.sql_with_params()

    def with_c_loader() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    if list(rows.all()) != with_c_loader():
        raise SystemExit("the C loader returned different rows")
    django_ms: list[float] = []
    c_ms: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        count = len(list(rows.all()))
        django_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with_c_loader()
        c_ms.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(django_ms), statistics.median(c_ms)


def profile_view(plan: Plan, world: World, runs: int = 10) -> str:
    from rest_framework.test import APIRequestFactory

    from autoagenda.scheduling.booking.api import AvailabilityView

    view = AvailabilityView.as_view()
    factory = APIRequestFactory()
    path = availability_path(plan, world)

    def request() -> None:
        response = view(factory.get(path), pk=world.location_id)
        if hasattr(response, "render"):
            response.render()

    request()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        request()
    profiler.disable()
    return profile_text(profiler, runs)


def profile_text(profiler: cProfile.Profile, runs: int) -> str:
    out = io.StringIO()
    out.write(f"{runs} calls; cumulative seconds over all calls\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(22)
    out.write("\nBy own time:\n")
    stats.sort_stats("tottime").print_stats(15)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines() if line.strip())


@dataclass
class BookingCost:
    wall_ms: float  # p50, single thread, no contention
    cpu_ms: float  # p50 CPU of this process per booking: with the GIL, 8 threads cannot beat 1000 / cpu_ms
    first_statements: int  # a day's first booking (creates its BookingDay row)
    statements: int  # any later booking that day
    profile: str


def booking_breakdown(world: World, days: Sequence[date]) -> BookingCost:
    """One client booking sequentially on fresh days: latency, CPU, SQL statements per booking, and a profile."""
    from django.db import connection

    from autoagenda.accounts.models import User
    from autoagenda.catalog.models import Service
    from autoagenda.locations.models import Location
    from autoagenda.scheduling import services

    location = Location.objects.get(pk=world.race_location_id)
    service = Service.objects.get(pk=world.service_id)
    client = User.objects.get(pk=world.client_ids[-1])

    def book(day: date, minute: int) -> None:
        services.appointment_book(
            actor=client, location=location, service=service, start=local_start(location.zone, day, minute)
        )

    counts = []
    connection.force_debug_cursor = True
    for minute in PITCH[:2]:
        before = len(connection.queries_log)
        book(days[0], minute)
        counts.append(len(connection.queries_log) - before)
    connection.force_debug_cursor = False
    wall: list[float] = []
    cpu: list[float] = []
    for day in days[1:]:
        for minute in PITCH:
            started, used = time.perf_counter(), time.process_time()
            book(day, minute)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
    profiler = cProfile.Profile()
    for minute in PITCH[2:5]:
        profiler.enable()
        book(days[0], minute)
        profiler.disable()
    return BookingCost(
        wall_ms=statistics.median(wall),
        cpu_ms=statistics.median(cpu),
        first_statements=counts[0],
        statements=counts[1],
        profile=profile_text(profiler, 3),
    )


def availability_path(plan: Plan, world: World) -> str:
    return (
        f"/api/v1/locations/{world.location_id}/availability/"
        f"?service={world.service_id}&from={plan.first.isoformat()}&to={plan.last.isoformat()}"
    )


# --- the run ----------------------------------------------------------------------------------------------------


def working_days(start: date, count: int, holidays: frozenset[date], skip: set[date]) -> list[date]:
    found: list[date] = []
    day = start
    while len(found) < count:
        if OPENING[day.isoweekday()] and day not in holidays and day not in skip:
            found.append(day)
        day += timedelta(days=1)
    return found


def timed(label: str) -> Callable[[], None]:
    started = time.perf_counter()
    log(f"… {label}")

    def done() -> None:
        log(f"  done in {time.perf_counter() - started:.1f} s")

    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="HTTP requests per endpoint (>= 200)")
    parser.add_argument("--engine-runs", type=int, default=60)
    parser.add_argument("--keep-db", action="store_true", help="leave aa_bench in place for inspection")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--bookings-only", action="store_true", help="skip (a)-(c): seed, then only the booking phases (d)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the report, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    run_started = time.perf_counter()
    when = datetime.now(UTC)
    info = machine()
    info["postgres"] = postgres_version()
    log(f"AutoAgenda availability benchmark — {when:%Y-%m-%d %H:%M} UTC, {info['cpus']} CPUs, load {info['load']}")

    figures: list[Figure] = []
    notes: list[str] = []
    sections: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="aa_bench_"))
    try:
        done = timed(f"creating {DB_NAME} and migrating")
        create_database()
        setup_django()
        done()

        from autoagenda.locations.models import Location
        from autoagenda.locations.selectors import public_holidays

        zone = ZoneInfo(ZONE_NAME)
        today = datetime.now(zone).date()
        probe = Location(country=COUNTRY, timezone=ZONE_NAME, use_public_holidays=True)
        holidays = frozenset(public_holidays(probe, today, today + timedelta(days=SPREAD_DAYS + 30)))
        plan = make_plan(today, holidays)
        done = timed(f"seeding {BOOKINGS} appointments")
        world = seed(plan)
        done()

        http_passed, view_profile = True, ""
        breakdown: dict[str, tuple[float, float]] = {}
        loaded_rows, django_loader_ms, c_loader_ms = 0, 0.0, 0.0
        if not args.bookings_only:
            # (a)
            done = timed("(a) engine")
            engine_figure, engine_slots, _timings = bench_engine(plan, world.mechanic_ids, args.engine_runs)
            figures.append(engine_figure)
            done()

            # (b) and (c)
            path = availability_path(plan, world)
            with server(workdir) as port:
                done = timed(f"(b)/(c) HTTP load, {args.requests} requests each, {THREADS} clients")
                load(port, path, THREADS * 3, THREADS)  # warm both workers (imports, first queries)
                load(port, "/health/", THREADS * 3, THREADS)
                single = load(port, path, 50, 1)
                avail = load(port, path, args.requests, THREADS)
                health = load(port, "/health/", args.requests, THREADS)
                done()
            api_slots = len(json.loads(avail.sample).get("slots", [])) if avail.sample else -1
            ratio = avail.rate / health.rate
            avail_p95 = percentile(avail.latencies, 0.95)
            figures.append(
                Figure(
                    label=f"(b) GET availability (31 days), {THREADS} clients, {len(avail.latencies)} requests",
                    p50=statistics.median(avail.latencies),
                    p95=avail_p95,
                    rate=avail.rate,
                    rate_unit="req/s",
                    target=f"p95 ≤ {TARGET_P95_MS:.0f} ms",
                    passed=avail_p95 <= TARGET_P95_MS and not avail.failures,
                    note=f"{api_slots} slots, {len(avail.sample) // 1024} KiB",
                )
            )
            figures.append(
                Figure(
                    label=f"(b1) same request, 1 client, {len(single.latencies)} requests (service time, no queueing)",
                    p50=statistics.median(single.latencies),
                    p95=percentile(single.latencies, 0.95),
                    rate=single.rate,
                    rate_unit="req/s",
                    note="informative",
                )
            )
            figures.append(
                Figure(
                    label=f"(c) GET /health/, {THREADS} clients, {len(health.latencies)} requests",
                    p50=statistics.median(health.latencies),
                    p95=percentile(health.latencies, 0.95),
                    rate=health.rate,
                    rate_unit="req/s",
                    note="one `SELECT 1`",
                )
            )
            figures.append(
                Figure(
                    label="(b)/(c) throughput ratio",
                    rate=ratio,
                    rate_unit="×",
                    target=f"≥ {TARGET_RATIO}",
                    passed=ratio >= TARGET_RATIO,
                )
            )
            for name, result in (("availability", avail), ("health", health), ("availability, 1 client", single)):
                if result.failures:
                    notes.append(f"HTTP failures on {name}: {dict(result.failures)}")
                if result.reconnects:
                    notes.append(f"{name}: the server closed {result.reconnects} keep-alive connections")
            notes.append(
                f"Little's law: with {THREADS} clients always waiting, mean latency ≈ {THREADS} / throughput, "
                f"so a p95 ≤ {TARGET_P95_MS:.0f} ms needs well over {THREADS / (TARGET_P95_MS / 1000):.0f} req/s "
                f"of availability answers; this server gave {avail.rate:.1f} req/s of them and "
                f"{health.rate:.0f} req/s of /health/ "
                f"(whose own p95 is {percentile(health.latencies, 0.95):.0f} ms)."
            )
            if api_slots != engine_slots:
                notes.append(f"slot counts differ: engine {engine_slots}, API {api_slots} (same data, same range)")
            else:
                notes.append(f"The engine in memory and the API over PostgreSQL offer the same {api_slots} slots.")

            # Where an availability request's time goes, on the same data as (b) (before (d) fills the calendar).
            done = timed("availability breakdown")
            breakdown = availability_breakdown(plan, world, 15)
            loaded_rows, django_loader_ms, c_loader_ms = loader_comparison(plan, world)
            http_passed = all(f.passed for f in figures if f.passed is not None)
            view_profile = "" if http_passed else profile_view(plan, world)
            done()

        # (d) bookings: distinct slots, then races.
        race_days = working_days(plan.first + timedelta(days=1), 9, plan.holidays, set())
        capacity_days, mechanic_race_days, profile_days = race_days[:3], race_days[3:5], race_days[5:]
        by_day: dict[date, list[Task]] = defaultdict(list)
        for _index, day, minute in plan.leftovers:
            by_day[day].append((day, minute, None))
        mechanic_race_targets: list[Task] = []
        main_race_days = sorted(by_day)[-2:]  # the main location's last two days: mechanic-specific races
        for day in main_race_days:
            mechanic_race_targets += [
                (d, minute, world.mechanic_ids[index]) for index, d, minute in plan.leftovers if d == day
            ]
            del by_day[day]
        distinct_tasks: list[list[Task]] = [[] for _ in range(THREADS)]
        for position, day in enumerate(sorted(by_day)):  # whole days per thread: no shared day lock
            distinct_tasks[position % THREADS].extend(by_day[day])
        distinct_count = sum(len(tasks) for tasks in distinct_tasks)

        from autoagenda.notifications.models import Delivery

        deliveries_before = Delivery.objects.count()
        done = timed(f"(d) {distinct_count} bookings on distinct free slots, {THREADS} client processes")
        with LockSampler() as sampler:
            distinct = run_bookings(world.location_id, world.service_id, world.client_ids, distinct_tasks)
        done()
        notes.append(
            f"(d) distinct slots, per booking: {distinct.cpu * 1000 / max(distinct.ok, 1):.1f} ms CPU in the "
            f"clients + {distinct.backend_cpu * 1000 / max(distinct.ok, 1):.1f} ms in their PostgreSQL backends, "
            f"{distinct.statements / max(len(distinct.latencies), 1):.1f} SQL statements (the clients' own "
            f"count). Waits: {sampler.summary()}."
        )
        # Notifications are on (issue 11): each booking writes its outbox rows in its own transaction.
        deliveries = Delivery.objects.count() - deliveries_before
        notes.append(
            f"Notifications on: the {distinct.ok} distinct bookings wrote {deliveries} outbox rows in their own "
            f"transactions ({deliveries / max(distinct.ok, 1):.1f} per booking: the client's confirmation and "
            "reminders, the staff's in-app alerts)."
        )
        bookings_rate = distinct.ok / distinct.wall

        capacity_targets: list[Task] = [(day, minute, None) for day in capacity_days for minute in grid(day)]
        race_mechanic_targets: list[Task] = [
            (day, minute, mechanic)
            for day in mechanic_race_days
            for minute in PITCH
            for mechanic in world.race_mechanic_ids[:3]
        ]
        done = timed("(d) contention: all threads race for the same slots")
        capacity_race = run_bookings(
            world.race_location_id, world.service_id, world.client_ids, [list(capacity_targets)] * THREADS
        )
        mechanic_race = run_bookings(
            world.location_id,
            world.service_id,
            world.client_ids,
            [list(mechanic_race_targets) for _ in range(THREADS)],
        )
        race_mechanics = run_bookings(
            world.race_location_id,
            world.service_id,
            world.client_ids,
            [list(race_mechanic_targets) for _ in range(THREADS)],
        )
        done()
        checked = verify()
        contention = Outcome()
        for outcome in (capacity_race, mechanic_race, race_mechanics):
            contention.merge(outcome)
        contention.wall = capacity_race.wall + mechanic_race.wall + race_mechanics.wall

        booking_ok = (
            bookings_rate >= TARGET_BOOKINGS
            and checked.clean
            and not distinct.unexpected
            and not contention.unexpected
            and mechanic_race.ok == len(mechanic_race_targets)
        )
        figures.append(
            Figure(
                label=(
                    f"(d) `appointment_book`, {THREADS} client processes, distinct free slots "
                    f"({distinct_count} attempts)"
                ),
                p50=statistics.median(distinct.latencies),
                p95=percentile(distinct.latencies, 0.95),
                rate=bookings_rate,
                rate_unit="bookings/s",
                target=f"≥ {TARGET_BOOKINGS:.0f}/s, zero overbooking",
                passed=booking_ok,
                note=(
                    f"{distinct.ok} booked, refused {dict(distinct.codes) or 0}; the clients used "
                    f"{distinct.cpu / distinct.wall:.2f} CPU cores meanwhile, "
                    f"{distinct.cpu * 1000 / max(distinct.ok, 1):.1f} ms of CPU per booking"
                ),
            )
        )
        figures.append(
            Figure(
                label=(
                    f"(d) contention: {THREADS} processes × the same {len(capacity_targets)} starts "
                    f"(capacity {RACE_PER_HOUR}/h, {RACE_PER_DAY}/day, {RACE_MECHANICS} mechanics)"
                ),
                p50=statistics.median(capacity_race.latencies),
                p95=percentile(capacity_race.latencies, 0.95),
                rate=len(capacity_race.latencies) / capacity_race.wall,
                rate_unit="attempts/s",
                note=f"{capacity_race.ok} booked, refused {dict(capacity_race.codes)}",
            )
        )
        figures.append(
            Figure(
                label=(
                    f"(d) contention: {THREADS} processes × the same {len(mechanic_race_targets)} "
                    "(mechanic, start) pairs, busy calendar"
                ),
                p50=statistics.median(mechanic_race.latencies),
                p95=percentile(mechanic_race.latencies, 0.95),
                rate=len(mechanic_race.latencies) / mechanic_race.wall,
                rate_unit="attempts/s",
                note=(
                    f"{mechanic_race.ok} booked of {len(mechanic_race_targets)} (exactly one winner each), "
                    f"refused {dict(mechanic_race.codes)}"
                ),
            )
        )
        figures.append(
            Figure(
                label=(
                    f"(d) contention: {THREADS} processes × the same {len(race_mechanic_targets)} "
                    "(mechanic, start) pairs under capacity limits"
                ),
                p50=statistics.median(race_mechanics.latencies),
                p95=percentile(race_mechanics.latencies, 0.95),
                rate=len(race_mechanics.latencies) / race_mechanics.wall,
                rate_unit="attempts/s",
                note=f"{race_mechanics.ok} booked, refused {dict(race_mechanics.codes)}",
            )
        )
        verification = (
            f"SQL after all phases, over {checked.active} active appointments "
            f"(per location: {checked.by_location}): mechanics with overlapping active appointments: "
            f"**{checked.overlaps}**; (location, date, hour) buckets over capacity: **{checked.hours_over}**; "
            f"(location, date) over capacity: **{checked.days_over}**; rows whose end/occupied_until/local_date/"
            f"local_hour disagree with start: **{checked.inconsistent}**."
        )
        for name, outcome in (
            ("distinct", distinct),
            ("capacity race", capacity_race),
            ("mechanic race", mechanic_race),
            ("mechanic race under capacity", race_mechanics),
        ):
            if outcome.unexpected:
                kinds = Counter(text.split(":", 1)[0] for text in outcome.unexpected)
                notes.append(f"Unexpected errors in {name}: {dict(kinds)}; first: {outcome.unexpected[0]}")

        # Where the time goes (always cheap; the cProfile listings only when a target is missed).
        done = timed("breakdown and profiles")
        cost = booking_breakdown(world, profile_days)
        done()

        lines = ["| Part of one availability request (in-process, 31 days) | p50 ms | p95 ms |", "|---|---:|---:|"]
        for name, (p50, p95) in breakdown.items():
            if name.startswith("SQL queries"):
                lines.append(f"| {name} | | |")
            else:
                lines.append(f"| {name} | {p50:.1f} | {p95:.1f} |")
        lines.append(
            f"| busy-span query ({loaded_rows} rows × 2 timestamptz), Django's loader | {django_loader_ms:.1f} | |\n"
            f"| the same query with psycopg's C timestamptz loader | {c_loader_ms:.1f} | |\n"
            f"| one `appointment_book`, single thread, no contention: wall | {cost.wall_ms:.1f} | |\n"
            f"| the same: CPU of the Python process (GIL ceiling ≈ {1000 / cost.cpu_ms:.0f} bookings/s) "
            f"| {cost.cpu_ms:.1f} | |\n"
            f"| SQL statements per booking: {cost.first_statements} on a day's first, {cost.statements} after | | |"
        )
        sections.append("## Where the time goes\n\n" + "\n".join(lines))
        if view_profile:
            sections.append("## cProfile: availability view in-process (10 requests)\n\n```\n" + view_profile + "\n```")
        if not booking_ok:
            sections.append(
                "## cProfile: `appointment_book`, single thread (3 bookings)\n\n```\n" + cost.profile + "\n```"
            )
    finally:
        from django.db import connections

        with suppress(Exception):
            connections.close_all()
        if not args.keep_db:
            drop_database()
        for leftover in workdir.iterdir():
            leftover.unlink()
        workdir.rmdir()

    elapsed = time.perf_counter() - run_started
    info["load_end"] = machine()["load"]
    report = render(when, info, figures, verification, notes, sections, elapsed)
    if not args.no_write:
        write_block(RESULTS, "availability", report)
    log("")
    log(report)
    missed = [figure.label for figure in figures if figure.passed is False]
    if missed:
        log(f"Targets missed: {len(missed)} (see bench/RESULTS.md)")
    return 1 if args.strict and missed else 0


def render(
    when: datetime,
    info: dict[str, str],
    figures: list[Figure],
    verification: str,
    notes: list[str],
    sections: list[str],
    elapsed: float,
) -> str:
    def number(value: float | None, digits: int = 1) -> str:
        return "" if value is None else f"{value:,.{digits}f}"

    rows = [
        "| Measure | p50 ms | p95 ms | Throughput | Target | Result | Notes |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for figure in figures:
        verdict = "" if figure.passed is None else ("**PASS**" if figure.passed else "**FAIL**")
        digits = 2 if figure.rate_unit == "×" else 1
        rate = f"{number(figure.rate, digits)} {figure.rate_unit}" if figure.rate is not None else ""
        rows.append(
            f"| {figure.label} | {number(figure.p50, 2)} | {number(figure.p95, 2)} | {rate} | {figure.target} "
            f"| {verdict} | {figure.note} |"
        )
    workload = (
        f"One location in {ZONE_NAME} with {MECHANICS} mechanics (all working the opening hours), open Mon–Sat "
        "09:00–13:00 and 14:00–19:00, 30-minute slots, minimum notice 60 min, horizon 60 days, Chilean public "
        f"holidays closed; a {DURATION}-minute service with a {BUFFER}-minute buffer; {BOOKINGS:,} confirmed "
        f"appointments spread over the next {SPREAD_DAYS} days (seeded random, back-to-back positions, so the "
        "calendar is about 85% full). Availability asks for 31 days from tomorrow. The server is "
        "`uvicorn config.asgi:application --workers 2` with DEBUG=0, PostgreSQL with a connection pool of "
        f"{SERVER_ENV['DATABASE_POOL_MAX_SIZE']} per worker (`DATABASE_POOL_MAX_SIZE`, as docs/deployment.md "
        "advises), the default availability cache (in-process memory: no REDIS_URL), throttling raised out of the "
        "way; the 8 client threads (http.client, keep-alive) run on the same machine. (d) runs 8 client "
        "processes, each calling `appointment_book` on its own database connection, each warmed by one booking "
        "rolled back before the clock starts (a web worker's first request loads the URL configuration and "
        "templates: about a second of CPU once per process). "
        "(a) passes the engine all 5,000 busy spans (the selector would pass only the range's)."
    )
    parts = [
        "# Availability and booking benchmark",
        "",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC (whole run {elapsed:.0f} s)",
        f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}, "
        f"load average at start {info['load']}, at the end {info['load_end']} (other work shares this machine)",
        f"- Python {info['python']}, PostgreSQL {info['postgres']}",
        f"- Command: `{COMMAND}`",
        f"- Server command: `{shlex.join(server_command())}`",
        "",
        workload,
        "",
        "## Figures",
        "",
        *rows,
        "",
        "## Overbooking check",
        "",
        verification,
        "",
    ]
    if notes:
        parts += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    for section in sections:
        parts += [section, ""]
    return "\n".join(parts)


def write_block(path: Path, name: str, text: str) -> None:
    """Replace this benchmark's block in RESULTS.md (between its markers), keeping the other benchmarks' blocks."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    elif "<!-- bench:" in current:
        updated = current.rstrip() + "\n\n" + block
    else:  # the old single-benchmark file: this block replaces it
        updated = block
    path.write_text(updated, encoding="utf-8")


def server_command() -> list[str]:
    return [
        ".venv/bin/uvicorn",
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        "<free port>",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]


if __name__ == "__main__":
    sys.exit(main())
