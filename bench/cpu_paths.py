"""CPU time of the hot paths in-process (issue 10): the cold 31-day availability answer and the cheapest read.

Wall clocks are meaningless on a shared machine, so this measures `time.process_time()` over many iterations in
one process, against a seeded dataset like issue 10's: one location in America/Santiago, MECHANICS mechanics,
three services of 30/60/120 minutes, BOOKINGS confirmed bookings over the next 90 days (inserted directly: what
is measured are the reads, not the seed). DEBUG=0 settings, JWT auth, a fresh access token.

- cold: the availability selector's 31-day answer (`availability_json`) with every cache emptied before each,
  random service and start date (what bench/workload.py's cold cell measures);
- cold_answer: the same with only the remembered answers emptied (the configuration part, which only
  configuration writes change, stays remembered): what a request pays after bookings moved the day counters;
- cheap: `GET /api/v1/locations/{id}/` through the WSGI handler (Django's test Client), JWT checked per request;
- cheap_asgi: the same request through config.asgi's application called directly (no HTTP parsing);
- book: `POST /api/v1/appointments/` at a new free slot each time (this adds bookings to the kept SQLite file);

  .venv/bin/python bench/cpu_paths.py [--db sqlite|postgres] [--bookings 5000] [--iterations 200] [--profile cold]

`--profile <path>` prints cProfile's top functions for that path instead. The SQLite file is kept in the
temporary directory (reused by the next run with the same sizes; BENCH_CPU_SQLITE names another); PostgreSQL
uses the database `aa_bench_cpu`, dropped at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import os
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ZONE = "America/Santiago"
SERVICES = ((30, 0), (60, 10), (120, 15))
OPENING = ((540, 780), (840, 1140))
START_DAYS, RANGE_DAYS = 90, 31
SEED = 20261204
PG_DB = "aa_bench_cpu"


def configure(args: argparse.Namespace) -> None:
    if args.db == "sqlite":
        default = Path(tempfile.gettempdir()) / f"aa-cpu-{args.mechanics}-{args.bookings}.sqlite3"
        path = Path(os.environ.get("BENCH_CPU_SQLITE", default))
        url = f"sqlite:///{path}"
    else:
        url = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET", secrets.token_urlsafe(50)),
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=url,
        THROTTLE_ANON="100000000/min",
        THROTTLE_USER="100000000/min",
        AXES_ENABLED="0",
        DATABASE_POOL_MAX_SIZE="4",  # PostgreSQL: a pool, as bench/workload.py's server and docs/deployment.md
    )
    for name in ("TESTING", "REDIS_URL"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from django.core.management import call_command
    from django.db import connection

    from autoagenda.accounts.models import ClientLinkSource, ClientLocation, Role, StaffMembership, User
    from autoagenda.catalog.models import Service
    from autoagenda.locations.models import Location, OpeningHours
    from autoagenda.scheduling.models import Appointment, AppointmentStatus

    call_command("migrate", verbosity=0, interactive=False)
    location = Location.objects.filter(name="Taller CPU").first()
    if location is not None:
        services = list(Service.objects.filter(locations=location).order_by("duration_minutes"))
        staff = User.objects.filter(email="recepcion@cpu.test").get()
        return {"location": location, "services": services, "staff": staff, "vendor": connection.vendor}
    location = Location.objects.create(
        name="Taller CPU",
        timezone=ZONE,
        country="CL",
        slot_minutes=30,
        min_notice_minutes=60,
        booking_horizon_days=START_DAYS + RANGE_DAYS + 2,
        use_public_holidays=False,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=day, start_minute=start, end_minute=end)
        for day in range(1, 7)
        for start, end in OPENING
    )
    services = []
    for duration, buffer in SERVICES:
        service = Service.objects.create(
            name=f"Servicio {duration} min", duration_minutes=duration, buffer_minutes=buffer, price=20000
        )
        service.locations.add(location)
        services.append(service)

    def person(username: str, role: str) -> User:
        return User.objects.create_user(email=f"{username}@cpu.test", password=None, role=role, first_name=username)

    mechanics = []
    for index in range(args.mechanics):
        user = person(f"mecanico{index}", Role.MECHANIC)
        StaffMembership.objects.create(user=user, location=location, role=Role.MECHANIC)
        mechanics.append(user)
    staff = person("recepcion", Role.RECEPTIONIST)
    StaffMembership.objects.create(user=staff, location=location, role=Role.RECEPTIONIST)
    client = person("cliente", Role.CLIENT)
    ClientLocation.objects.create(client=client, location=location, source=ClientLinkSource.values[0])

    zone = ZoneInfo(ZONE)
    rng = random.Random(SEED)
    today = datetime.now(zone).date()
    rows = []
    for offset in range(2, START_DAYS + 2):
        day = today + timedelta(days=offset)
        if day.isoweekday() == 7:
            continue
        for mechanic in mechanics:
            for low, high in OPENING:
                minute = low + 30 * rng.randrange(0, 3)
                while True:
                    kind = rng.randrange(len(SERVICES))
                    duration, buffer = SERVICES[kind]
                    if minute + duration > high:
                        break
                    start = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
                    rows.append((mechanic, services[kind], start, duration, buffer))
                    occupied = minute + duration + buffer
                    minute = low + 30 * math.ceil((occupied - low) / 30) + 30 * rng.randrange(0, 2)
    rng.shuffle(rows)
    Appointment.objects.bulk_create(
        Appointment(
            location=location,
            service=service,
            client=client,
            mechanic=mechanic,
            start=start,
            end=start + timedelta(minutes=duration),
            occupied_until=start + timedelta(minutes=duration + buffer),
            local_date=start.date(),
            local_hour=start.hour,
            duration_minutes=duration,
            buffer_minutes=buffer,
            status=AppointmentStatus.CONFIRMED,
        )
        for mechanic, service, start, duration, buffer in rows[: args.bookings]
    )
    return {"location": location, "services": services, "staff": staff, "vendor": connection.vendor}


def cold_runner(world: dict[str, Any], *, keep_configuration: bool = False) -> Any:
    from django.core.cache import cache
    from django.utils import timezone

    from autoagenda.scheduling import freshness, selectors
    from autoagenda.scheduling.selectors import slots

    location, services = world["location"], world["services"]
    rng = random.Random(SEED + 7)
    today = timezone.now().astimezone(location.zone).date()

    def once() -> None:
        service = rng.choice(services)
        first = today + timedelta(days=rng.randrange(1, START_DAYS + 1))
        cache.clear()
        if keep_configuration:
            with slots._days_lock:
                slots._days.clear()
        else:
            freshness.forget()
        known = freshness.versions(location.pk)
        selectors.availability_json(
            location=location,
            service=service,
            first_date=first,
            last_date=first + timedelta(days=RANGE_DAYS - 1),
            mechanic_id=None,
            now=timezone.now(),
            known=known,
        )

    return once


def cheap_runner(world: dict[str, Any]) -> Any:
    from django.test import Client

    from autoagenda.accounts.tokens import token_pair_for_login

    token = token_pair_for_login(world["staff"]).access
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")
    path = f"/api/v1/locations/{world['location'].pk}/"

    def once() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")

    return once


def cheap_asgi_runner(world: dict[str, Any]) -> Any:
    """The same read through the ASGI application (config/asgi.py) called directly, on one event loop: what
    uvicorn calls, without its HTTP parsing."""
    import asyncio

    from autoagenda.accounts.tokens import token_pair_for_login
    from config.asgi import application

    token = token_pair_for_login(world["staff"]).access
    path = f"/api/v1/locations/{world['location'].pk}/"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"accept", b"application/json"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    loop = asyncio.new_event_loop()

    async def request() -> int:
        status = 0
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:  # Django then waits for a disconnect, and cancels the wait when the response is out
                await asyncio.Event().wait()
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await application(dict(scope), receive, send)
        return status

    def once() -> None:
        status = loop.run_until_complete(request())
        if status != 200:
            raise SystemExit(f"{path}: {status}")

    return once


def book_runner(world: dict[str, Any]) -> Any:
    """`POST /api/v1/appointments/` by a receptionist, each at a new free (mechanic, start) past the seeded days:
    the booking's whole request (the re-check under the day lock, the insert, the counters)."""
    import json
    from zoneinfo import ZoneInfo

    from django.test import Client

    from autoagenda.accounts.models import User
    from autoagenda.accounts.tokens import token_pair_for_login
    from autoagenda.scheduling.models import Appointment

    zone = ZoneInfo(ZONE)
    location, service = world["location"], world["services"][0]
    mechanics = list(
        User.objects.filter(email__startswith="mecanico", email__endswith="@cpu.test").values_list("pk", flat=True)
    )
    client_id = User.objects.get(email="cliente@cpu.test").pk
    taken = set(Appointment.objects.filter(location=location).values_list("mechanic_id", "start"))
    today = datetime.now(zone).date()
    positions = (
        (mechanic, start)
        for offset in range(START_DAYS + 3, START_DAYS + RANGE_DAYS)
        for minute in range(540, 780, 30)
        for mechanic in mechanics
        if (day := today + timedelta(days=offset)).isoweekday() != 7
        and (start := datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone))
        and (mechanic, start) not in taken
    )
    token = token_pair_for_login(world["staff"]).access
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")

    def once() -> None:
        mechanic, start = next(positions)
        body = {
            "location": location.pk,
            "service": service.pk,
            "start": start.isoformat(),
            "mechanic": mechanic,
            "client": client_id,
        }
        response = http.post("/api/v1/appointments/", json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"booking: {response.status_code} {response.content[:300]!r}")

    return once


def cpu_ms(once: Any, iterations: int, rounds: int = 5) -> list[float]:
    """CPU ms per call, one figure per round (the median round is the one to quote)."""
    for _ in range(max(3, iterations // 20)):
        once()
    figures = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(iterations):
            once()
        figures.append((time.process_time() - started) * 1000 / iterations)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--mechanics", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--paths", default="cold,cheap")
    parser.add_argument("--profile", choices=("cold", "cold_answer", "cheap", "cheap_asgi", "book"))
    args = parser.parse_args()
    if args.db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    try:
        configure(args)
        world = seed(args)
        runners = {
            "cold": cold_runner,
            "cold_answer": lambda world: cold_runner(world, keep_configuration=True),
            "cheap": cheap_runner,
            "cheap_asgi": cheap_asgi_runner,
            "book": book_runner,
        }
        if args.profile:
            once = runners[args.profile](world)
            for _ in range(10):
                once()
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.iterations):
                once()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            return
        for name in args.paths.split(","):
            figures = cpu_ms(runners[name](world), args.iterations)
            print(
                f"{world['vendor']} {name}: CPU ms per call, median of rounds {statistics.median(figures):.2f} "
                f"(rounds {', '.join(f'{f:.2f}' for f in figures)})",
                flush=True,
            )
    finally:
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
