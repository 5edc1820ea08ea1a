"""The desk's job board under load (issue 12), run by `make bench`.

One location with 300 open work orders spread over the board's five columns (draft, estimate sent, approved,
in progress, ready for pickup) and over its mechanics, each with its own client, vehicle and labor lines, the
jobs in progress with a running clock. 8 client processes, each logged in as a different receptionist (a session
cookie of its own), GET the whole board (`/work-orders/board/<location>/`, the full HTML page) one after the
other over keep-alive HTTP/1.1 against the real ASGI server:

- PostgreSQL, uvicorn with 2 workers, DEBUG=0 (static files collected, as a deployment serves them);
- SQLite, one uvicorn process (`make run`'s web server, DEBUG=1 as `make run` sets it).

Reported: p50/p95/p99 latency and req/s, PASS/FAIL against the goal (server p95 ≤ 50 ms at 8 clients), and the
SQL queries of one render, counted in-process at the full board and at a board filtered to one mechanic (fewer
cards): the goal is the same number (constant in the cards).

Smoke run: `BENCH_SMOKE=1 .venv/bin/python bench/workorders.py` (or `--smoke`: 20 work orders, 40 requests);
sizes via `--work-orders`, `--requests`, `--databases sqlite,postgres`. Only a full-size run writes its block
into bench/RESULTS.md (`--no-write` prints only). The PostgreSQL database `aa_bench_workorders` is created and
dropped again; nothing else is touched. This script does not import Django; its children do.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PY = sys.executable
PG = "postgres@127.0.0.1:5432"
PG_DB = "aa_bench_workorders"
ZONE = "America/Santiago"
SEED = 20261204
GOAL_P95_MS = 50.0
MARKERS = ("<!-- bench:workorders:start -->", "<!-- bench:workorders:end -->")
# The board's columns in order, and how the 300 work orders spread over them.
SPREAD = (("draft", 0.25), ("estimate_sent", 0.15), ("approved", 0.15), ("in_progress", 0.30), ("completed", 0.15))


def log(message: str) -> None:
    print(message, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Params:
    work_orders: int = 300
    mechanics: int = 8
    clients: int = 8  # concurrent HTTP clients, each its own receptionist
    requests: int = 800  # board renders in the 8-client phase
    warmup: int = 16


# --- the children: Django in their own processes --------------------------------------------------------------


def child_env(database_url: str, debug: str, secret: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TESTING", "REDIS_URL", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    env.update(
        DEBUG=debug,
        SECRET_KEY=secret,
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        THROTTLE_ANON="100000000/min",
        THROTTLE_USER="100000000/min",
        AXES_ENABLED="0",
        DATABASE_POOL_MAX_SIZE="4",
        PYTHONPATH=str(ROOT),
    )
    return env


def run_child(env: dict[str, str], mode: str, payload: dict[str, Any]) -> Any:
    done = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--child", mode],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child {mode} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def child_setup(payload: dict[str, Any]) -> dict[str, Any]:
    """The location, its mechanics and receptionists, and the open work orders through the services (numbers,
    history, intake mileage), then spread over the columns. Configuration: not the measured part."""
    _django()
    import random

    from django.db import connection
    from django.utils import timezone

    from autoagenda.accounts.models import ClientLinkSource, ClientLocation, Role, StaffMembership, User
    from autoagenda.customers.models import Vehicle
    from autoagenda.locations.models import Location
    from autoagenda.workorders import services
    from autoagenda.workorders.models import TimeEntry, WorkOrder

    rng = random.Random(SEED)
    location = Location.objects.create(name="Taller Benchmark", timezone=ZONE, country="CL")

    def person(username: str, role: str) -> User:
        return User.objects.create_user(
            email=f"{username}@bench.test", password=None, role=role, first_name=username.title(), last_name="Banco"
        )

    def staff(username: str, role: str) -> User:
        user = person(username, role)
        StaffMembership.objects.create(user=user, location=location, role=role)
        return user

    manager = staff("jefe", Role.MANAGER)
    mechanics = [staff(f"mecanico{i}", Role.MECHANIC) for i in range(payload["mechanics"])]
    receptionists = [staff(f"recepcion{i}", Role.RECEPTIONIST) for i in range(payload["clients"])]
    now = timezone.now()
    makes = (("Toyota", "Yaris"), ("Chevrolet", "Sail"), ("Kia", "Rio"), ("Hyundai", "Accent"), ("Suzuki", "Swift"))
    work_orders: list[WorkOrder] = []
    for index in range(payload["work_orders"]):
        owner = person(f"cliente{index}", Role.CLIENT)
        ClientLocation.objects.create(client=owner, location=location, source=ClientLinkSource.values[0])
        make, model = makes[index % len(makes)]
        vehicle = Vehicle.objects.create(
            owner=owner, make=make, model=model, year=2010 + index % 15, plate=f"BK{index:04d}", mileage=40000
        )
        work_order = services.work_order_create(
            actor=manager,
            location=location,
            vehicle=vehicle,
            description=f"Revisión {index}: ruido al frenar",
            mechanic=mechanics[index % len(mechanics)] if index % 10 else None,
            promised_by=now + timedelta(minutes=rng.randrange(-600, 2880)),
            mileage_in=40000 + index * 37,
        )
        for line in range(1 + index % 3):
            services.labor_line_add(
                actor=manager, work_order=work_order, description=f"Mano de obra {line}", hours="1.5", rate="30000"
            )
        work_orders.append(work_order)
    # Spread over the columns (a seed: the status table is the services' business, not this benchmark's).
    start = 0
    for status, share in SPREAD:
        count = round(share * len(work_orders)) if status != SPREAD[-1][0] else len(work_orders) - start
        chunk = work_orders[start : start + count]
        start += count
        WorkOrder.objects.filter(pk__in=[wo.pk for wo in chunk]).update(status=status, status_changed_at=now)
        if status == "in_progress":
            TimeEntry.objects.bulk_create(
                TimeEntry(work_order=wo, mechanic=wo.mechanic, started_at=now - timedelta(minutes=30))
                for wo in chunk
                if wo.mechanic is not None
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "location": location.pk,
        "mechanics": [m.pk for m in mechanics],
        "receptionists": [r.pk for r in receptionists],
        "open": WorkOrder.objects.filter(location=location).count(),
    }


def child_sessions(payload: dict[str, Any]) -> list[str]:
    """A session per receptionist (a login each), as the sign-in page would give: the cookie header's value."""
    _django()
    from django.conf import settings
    from django.test import Client

    from autoagenda.accounts.models import User

    cookies = []
    for pk in payload["receptionists"]:
        client = Client()
        client.force_login(User.objects.get(pk=pk), backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def child_queries(payload: dict[str, Any]) -> dict[str, Any]:
    """The SQL queries of one board render (a warm one), at the full board and filtered to one mechanic."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from autoagenda.accounts.models import User
    from autoagenda.workorders.models import WorkOrder

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(pk=payload["receptionists"][0]), backend="django.contrib.auth.backends.ModelBackend"
    )
    url = reverse("workorders:board", args=[payload["location"]])
    mechanic = payload["mechanics"][0]
    counts = {}
    for name, query in (("full", ""), ("one_mechanic", f"?mechanic={mechanic}")):
        client.get(url + query)  # warm: caches, the session's first read
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        if response.status_code != 200:
            raise SystemExit(f"the board answered {response.status_code}")
        counts[name] = len(captured.captured_queries)
    few = WorkOrder.objects.filter(location_id=payload["location"], mechanic_id=mechanic).count()
    return {"full": counts["full"], "one_mechanic": counts["one_mechanic"], "few_cards": few}


# --- HTTP clients (processes, so the clients' own GIL is not what is measured) ---------------------------------


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    wall: float = 0.0
    sizes: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "n": len(self.latencies),
            "p50": percentile(self.latencies, 0.5),
            "p95": percentile(self.latencies, 0.95),
            "p99": percentile(self.latencies, 0.99),
            "rate": len(self.latencies) / self.wall if self.wall else 0.0,
            "statuses": dict(self.statuses),
            "kib": (sum(self.sizes) / len(self.sizes) / 1024) if self.sizes else 0.0,
        }


def _client(args: tuple[int, str, str, int]) -> tuple[list[float], list[int], list[int]]:
    """One client: keep-alive HTTP/1.1, its own session cookie, one board render after the other."""
    port, path, cookie, count = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Accept": "text/html", "Accept-Language": "es"}
    latencies, statuses, sizes = [], [], []
    for _ in range(count):
        started = time.perf_counter()
        for attempt in range(2):
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if attempt:
                    raise
        latencies.append((time.perf_counter() - started) * 1000)
        statuses.append(response.status)
        sizes.append(len(body))
    connection.close()
    return latencies, statuses, sizes


def run_phase(port: int, path: str, cookies: list[str], total: int) -> Outcome:
    per_client = [total // len(cookies) + (1 if index < total % len(cookies) else 0) for index in range(len(cookies))]
    jobs = [(port, path, cookie, count) for cookie, count in zip(cookies, per_client, strict=True)]
    context = multiprocessing.get_context("fork")
    with context.Pool(len(jobs)) as pool:
        started = time.perf_counter()
        results = pool.map(_client, jobs)
        wall = time.perf_counter() - started
    outcome = Outcome(wall=wall)
    for latencies, statuses, sizes in results:
        outcome.latencies += latencies
        outcome.statuses.update(statuses)
        outcome.sizes += sizes
    return outcome


# --- servers --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int, list[str]]:
    port = free_port()
    command = [PY, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning", "--no-proxy-headers"]
    if workers > 1:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/health/")
            if probe.getresponse().status == 200:
                probe.close()
                return server, port, command
        except OSError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise SystemExit("the server did not start")
    stop_server(server)
    raise SystemExit("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# --- one database -----------------------------------------------------------------------------------------------


def run_database(kind: str, params: Params) -> dict[str, Any]:
    secret = secrets.token_urlsafe(50)
    workdir = Path(tempfile.mkdtemp(prefix="aa-bench-workorders-"))
    if kind == "sqlite":
        url, debug, workers = f"sqlite:///{workdir / 'bench.sqlite3'}", "1", 1
    else:
        postgres(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        postgres(f"CREATE DATABASE {PG_DB}")
        url, debug, workers = f"postgres://{PG}/{PG_DB}", "0", 2
    env = child_env(url, debug, secret)
    result: dict[str, Any] = {"kind": kind, "debug": debug, "workers": workers}
    server = None
    try:
        started = time.perf_counter()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        if debug == "0":  # the manifest storage of a deployment: the pages' {% static %} need it
            subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        world = run_child(env, "setup", asdict(params))
        cookies = run_child(env, "sessions", world)
        result["open"] = world["open"]
        result["queries"] = run_child(env, "queries", world)
        seeded = time.perf_counter() - started
        log(f"[{kind}] {world['open']} work orders seeded in {seeded:.0f} s; queries per render {result['queries']}")
        server, port, command = start_server(env, workers)
        result["server"] = " ".join(command[1:]).replace(str(port), "<port>")
        path = f"/work-orders/board/{world['location']}/"
        run_phase(port, path, cookies, params.warmup)
        outcome = run_phase(port, path, cookies, params.requests)
        result["board"] = outcome.summary()
        log(f"[{kind}] job board, {len(cookies)} clients: {fmt(result['board'])}")
    finally:
        if server is not None:
            stop_server(server)
        if kind == "postgres":
            postgres(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        for leftover in sorted(workdir.iterdir(), reverse=True):
            leftover.unlink()
        workdir.rmdir()
    return result


def fmt(summary: dict[str, Any]) -> str:
    return (
        f"n={summary['n']} p50={summary['p50']:.1f} p95={summary['p95']:.1f} p99={summary['p99']:.1f} ms, "
        f"{summary['rate']:.0f} req/s, {summary['kib']:.0f} KiB/page, statuses {summary['statuses']}"
    )


# --- the report -------------------------------------------------------------------------------------------------


def verdict(run: dict[str, Any]) -> tuple[bool, bool, bool]:
    """(p95 within the goal and every answer 200, queries constant in the cards, both)."""
    board = run["board"]
    fast = board["p95"] <= GOAL_P95_MS and set(board["statuses"]) == {200}
    constant = run["queries"]["full"] == run["queries"]["one_mechanic"]
    return fast, constant, fast and constant


def report_rows(results: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        "| database | server | p50 ms | p95 ms | p99 ms | req/s | page "
        "| queries per render (all cards / one mechanic's) | verdict (p95 ≤ 50 ms, queries constant) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for kind, run in results.items():
        board, queries = run["board"], run["queries"]
        fast, constant, ok = verdict(run)
        name = "SQLite, 1 process" if kind == "sqlite" else "PostgreSQL, 2 workers"
        rows.append(
            f"| {name} | DEBUG={run['debug']} | {board['p50']:.1f} | {board['p95']:.1f} | {board['p99']:.1f} "
            f"| {board['rate']:.0f} | {board['kib']:.0f} KiB | {queries['full']} ({run['open']} cards) / "
            f"{queries['one_mechanic']} ({queries['few_cards']} cards) "
            f"| p95 {'PASS' if fast else 'FAIL'}, queries {'PASS' if constant else 'FAIL'}: "
            f"**{'PASS' if ok else 'FAIL'}** |"
        )
    return rows


def write_block(text: str) -> None:
    start, end = MARKERS
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if start in current and end in current:
        before, rest = current.split(start, 1)
        updated = before + block + rest.split(end, 1)[1]
    else:
        updated = current.rstrip() + "\n\n" + block
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", default=os.environ.get("BENCH_SMOKE") == "1")
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES", "postgres,sqlite"))
    parser.add_argument("--work-orders", type=int)
    parser.add_argument("--requests", type=int, help="board renders in the 8-client phase")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if args.child:
        payload = json.loads(sys.stdin.read() or "{}")
        handler = {"setup": child_setup, "sessions": child_sessions, "queries": child_queries}
        print(json.dumps(handler[args.child](payload), default=str))
        return 0

    params = Params(work_orders=20, mechanics=3, requests=40, warmup=8) if args.smoke else Params()
    if args.work_orders is not None:
        params.work_orders = args.work_orders
    if args.requests is not None:
        params.requests = args.requests
    full = not args.smoke and args.work_orders is None and args.requests is None
    load_start = " ".join(f"{value:.2f}" for value in os.getloadavg())
    began = time.perf_counter()
    when = datetime.now(UTC)
    results = {kind: run_database(kind, params) for kind in args.databases.split(",") if kind}
    load_end = " ".join(f"{value:.2f}" for value in os.getloadavg())
    size = "full size" if full else ("SMOKE RUN (tiny sizes: not figures)" if args.smoke else "custom sizes")
    lines = [
        "# The desk's job board (issue 12)",
        "",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC, whole run {time.perf_counter() - began:.0f} s, {size}",
        f"- Machine: {len(os.sched_getaffinity(0))} CPUs, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}; load average at start {load_start}, at the end {load_end}",
        f"- Workload: one location, {params.work_orders} open work orders over the five columns "
        f"({', '.join(f'{status} {share:.0%}' for status, share in SPREAD)}), {params.mechanics} mechanics "
        f"(every tenth job unassigned), a client and a vehicle each, 1–3 labor lines, a running clock on each job "
        f"in progress; {params.clients} clients, each its own receptionist's session, {params.requests} renders of "
        f"the whole page GET /work-orders/board/<location>/ after {params.warmup} warm-up ones",
        "- Command: `make bench` (= .venv/bin/python bench/workorders.py among the others)",
        *[f"- {kind} server: `{run['server']}` (DEBUG={run['debug']})" for kind, run in results.items()],
        "",
        *report_rows(results),
    ]
    report = "\n".join(lines)
    log("")
    log(report)
    if full and not args.no_write:
        write_block(report)
    elif not args.no_write:
        log("\n(not written to bench/RESULTS.md: only a full-size run is)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
