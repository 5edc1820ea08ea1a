"""Walk-in display benchmark (issue 4 item 10), run by `make bench`.

200 public screens connected to `/ws/locations/{id}/display/`, 50 calls made through the desk API
(`POST /api/v1/desks/{id}/call-next/`); latency = from just before the call request is sent to the moment each
screen receives its `ticket.called` message. Figures p50/p99 over every (call, screen) pair, in two set-ups:

(a) the embedded default: one uvicorn process, in-memory channel layer, SQLite;
(b) production: two uvicorn processes on one Redis (channels-redis), PostgreSQL with the per-process connection
    pool docs/configuration.md recommends; half the screens on each process, the calls through process 1, so half
    the messages cross processes through Redis; (b′) the same without the pool, for comparison.

Calls go one at a time (the next when every screen has the last one, as at a real counter); the screens and the
caller are asyncio clients in this process, on the same 2-core machine as the servers. Appends its figures to
bench/RESULTS.md under its own heading (replacing an earlier run's). Databases: the SQLite file
var/bench_display.sqlite3 and the PostgreSQL database `aa_bench_display`, both made afresh and removed at the end;
Redis database 9 (BENCH_REDIS_URL to change), whose keys expire by themselves.

Diagnostics: BENCH_TRACE=1 prints each call's request time and first/last screen; BENCH_PROFILE=/path/prefix
writes a cProfile of each server process's event loop; --only a|b, --rounds N, --screens N, --no-write.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "# Walk-in display benchmark"
BLOCK = "display"  # RESULTS.md keeps each benchmark between <!-- bench:NAME:start/end --> markers
COMMAND = "make bench  (= .venv/bin/python bench/display.py)"

SCREENS = 200
CALLS = 50
ROUNDS = 3  # per set-up; the median one is reported (see run_setup)
TARGET_P99_MS = 100.0
MESSAGE_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0

SQLITE_PATH = ROOT / "var" / "bench_display.sqlite3"
PG = "postgres@127.0.0.1:5432"
PG_DB = "aa_bench_display"
PG_ADMIN_DSN = f"postgresql://{PG}/postgres"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PG_POOL = 8  # DATABASE_POOL_MAX_SIZE per process, as docs/configuration.md recommends for production

SERVER_ENV = {
    "DEBUG": "0",
    "TESTING": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "THROTTLE_ANON": "1000000/min",
    "THROTTLE_USER": "1000000/min",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}

# uvicorn on a socket this process made and keeps (no port race; a restart would listen on the same address).
LAUNCH = """
import os, socket, sys
import uvicorn
sock = socket.socket(fileno=int(sys.argv[1]))
server = uvicorn.Server(uvicorn.Config("config.asgi:application", log_level="warning", lifespan="off"))
if os.environ.get("BENCH_PROFILE"):
    import cProfile, pstats, signal
    signal.signal(signal.SIGTERM, lambda *_: None)  # uvicorn re-raises SIGTERM after its shutdown; survive it
    profile = cProfile.Profile()
    profile.runcall(server.run, sockets=[sock])
    with open(os.environ["BENCH_PROFILE"] + f".{os.getpid()}.txt", "w") as out:
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
else:
    server.run(sockets=[sock])
"""


def log(message: str) -> None:
    print(message, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- set-up: databases, seed, servers -----------------------------------------------------------------------


def _env(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SERVER_ENV)
    env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=3):
            return True
    except Exception:
        return False


def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # constant statements naming this module's database only


def redis_available(url: str) -> str | None:
    """Redis's version when reachable, else None."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        return str(client.info("server").get("redis_version", "?"))
    except Exception:
        return None


def prepare_database(kind: str) -> str:
    """A fresh, migrated database; returns its URL."""
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                Path(f"{SQLITE_PATH}{suffix}").unlink()
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)', f'CREATE DATABASE "{PG_DB}"')
        url = f"postgres://{PG}/{PG_DB}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=_env(url, ""), check=True
    )
    return url


def drop_database(kind: str) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                Path(f"{SQLITE_PATH}{suffix}").unlink()
    else:
        pg_admin(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def seed_in_subprocess(database_url: str, rounds: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--seed"],
        cwd=ROOT,
        env={**_env(database_url, ""), "BENCH_ROUNDS": str(rounds)},
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed() -> None:
    """Runs in a child process with DATABASE_URL set: one location, one queue of CALLS people, one desk."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from autoagenda.accounts.models import Role, StaffMembership, User
    from autoagenda.accounts.tokens import token_pair_for_login
    from autoagenda.locations.models import Location
    from autoagenda.walkins import services

    location = Location.objects.create(name="Bench Display", timezone="America/Santiago", country="CL")
    agent = User.objects.create(
        email="desk@bench.example", first_name="Desk", last_name="Agent", role=Role.RECEPTIONIST
    )
    agent.set_unusable_password()
    agent.save()
    StaffMembership.objects.create(user=agent, location=location, role=Role.RECEPTIONIST)
    manager = User.objects.create(
        email="manager@bench.example", first_name="Bench", last_name="Manager", role=Role.MANAGER
    )
    StaffMembership.objects.create(user=manager, location=location, role=Role.MANAGER)
    queue = services.queue_create(actor=manager, location=location, name="Recepción de vehículos", prefix="A")
    desk = services.desk_create(actor=manager, location=location, name="Mesón 1")
    services.desk_open(actor=agent, desk=desk)
    for _ in range(CALLS * int(os.environ.get("BENCH_ROUNDS", "1"))):
        services.ticket_issue(actor=agent, queue=queue)
    print(json.dumps({"location": location.pk, "desk": desk.pk, "token": token_pair_for_login(agent).access}))


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        fd = self.sock.fileno()
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCH, str(fd)], pass_fds=[fd], env=env, cwd=ROOT)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.sock.close()


# --- the measurement ----------------------------------------------------------------------------------------


class HttpClient:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams (the bench adds no dependency)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\nAccept-Language: en\r\n\r\n{}"
        )
        self.writer.write(head.encode())
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with suppress(Exception):
                await self.writer.wait_closed()


@dataclass
class Run:
    label: str
    latencies_ms: list[float] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    spread_ms: list[float] = field(default_factory=list)
    missing: int = 0
    calls: int = 0
    screens: int = 0
    connect_s: float = 0.0
    state_bytes: int = 0
    load: str = ""
    rounds: list[tuple[float, float, str]] = field(default_factory=list)


async def measure(label: str, ports: list[int], world: dict[str, Any], screens: int) -> Run:
    from websockets.asyncio.client import connect

    run = Run(label=label)
    arrivals: dict[str, list[float]] = {}
    events: dict[str, asyncio.Event] = {}

    def event_for(number: str) -> asyncio.Event:
        return events.setdefault(number, asyncio.Event())

    async def screen(index: int, ready: asyncio.Event, started: list[int]) -> None:
        port = ports[index % len(ports)]
        url = f"ws://127.0.0.1:{port}/ws/locations/{world['location']}/display/"
        async with connect(url, open_timeout=START_TIMEOUT_S, max_queue=None, compression=None) as ws:
            first = await ws.recv()
            run.state_bytes = max(run.state_bytes, len(first))
            started[0] += 1
            if started[0] == screens:
                ready.set()
            async for message in ws:
                if isinstance(message, str) and '"ticket.called"' in message:
                    now = time.perf_counter()
                    number = json.loads(message)["number"]
                    arrivals.setdefault(number, []).append(now)
                    if len(arrivals[number]) == screens:
                        event_for(number).set()

    ready = asyncio.Event()
    started = [0]
    load_before = os.getloadavg()[0]
    begin = time.perf_counter()
    tasks = [asyncio.create_task(screen(i, ready, started)) for i in range(screens)]
    await asyncio.wait_for(ready.wait(), START_TIMEOUT_S)
    run.connect_s = time.perf_counter() - begin
    run.screens = started[0]

    caller = HttpClient(ports[0], world["token"])
    await caller.request("GET", f"/api/v1/locations/{world['location']}/display/")  # warm the API stack once
    sent: list[tuple[str, float]] = []
    for _ in range(CALLS):
        t0 = time.perf_counter()
        status, body = await caller.request("POST", f"/api/v1/desks/{world['desk']}/call-next/")
        run.request_ms.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"call-next answered {status}: {body[:200]!r}")
        number = json.loads(body)["number"]
        sent.append((number, t0))
        with suppress(TimeoutError):
            await asyncio.wait_for(event_for(number).wait(), MESSAGE_TIMEOUT_S)
    await caller.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    if os.environ.get("BENCH_TRACE"):
        for (number, t0), req in zip(sent, run.request_ms, strict=True):
            got = sorted(arrivals.get(number, []))
            if got:
                first, last = (got[0] - t0) * 1000, (got[-1] - t0) * 1000
                log(f"{number}: request {req:.0f} ms, first screen {first:.0f} ms, last {last:.0f} ms")
    for number, t0 in sent:
        got = arrivals.get(number, [])
        run.missing += screens - len(got)
        run.latencies_ms.extend((t - t0) * 1000 for t in got)
        if got:
            first = min(got)
            run.spread_ms.extend((t - first) * 1000 for t in got)
    run.calls = len(sent)
    run.load = f"{load_before:.2f} → {os.getloadavg()[0]:.2f}"
    return run


def run_setup(
    label: str,
    kind: str,
    redis_url: str,
    processes: int,
    screens: int,
    rounds: int,
    extra_env: dict[str, str] | None = None,
) -> Run:
    """`rounds` measurements on the same servers (fresh screens each time); the one with the median p99 is kept.

    The machine is shared: one round can be slowed by someone else's work; the median round is the typical one,
    and the notes list every round.
    """
    log(f"== {label}")
    url = prepare_database(kind)
    try:
        world = seed_in_subprocess(url, rounds)
        servers = [Server({**_env(url, redis_url), **(extra_env or {})}) for _ in range(processes)]
        try:

            async def all_rounds() -> list[Run]:
                return [await measure(label, [s.port for s in servers], world, screens) for _ in range(rounds)]

            done = sorted(asyncio.run(all_rounds()), key=lambda r: percentile(r.latencies_ms or [math.inf], 0.99))
            kept = done[len(done) // 2]
            kept.rounds = [
                (percentile(r.latencies_ms, 0.5), percentile(r.latencies_ms, 0.99), r.load)
                for r in done
                if r.latencies_ms
            ]
            return kept
        finally:
            for server in servers:
                server.close()
    finally:
        drop_database(kind)


# --- report -------------------------------------------------------------------------------------------------


def machine() -> str:
    try:
        with open("/proc/meminfo") as f:
            total_kb = int(f.readline().split()[1])
        memory = f"{total_kb / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        memory = "? RAM"
    return f"{os.cpu_count()} CPUs, {memory}, {platform.system()} {platform.release()}"


def row(run: Run) -> str:
    lat = run.latencies_ms
    if not lat:
        return f"| {run.label} | – | – | – | – | – | p99 ≤ {TARGET_P99_MS:.0f} ms | **FAIL** | no message arrived |"
    p50, p99 = percentile(lat, 0.50), percentile(lat, 0.99)
    passed = p99 <= TARGET_P99_MS and run.missing == 0
    verdict = "" if "informative" in run.label else ("PASS" if passed else "**FAIL**")
    target = "" if "informative" in run.label else f"p99 ≤ {TARGET_P99_MS:.0f} ms"
    return (
        f"| {run.label} | {p50:.1f} | {p99:.1f} | {max(lat):.1f} | "
        f"{percentile(run.request_ms, 0.5):.1f} / {percentile(run.request_ms, 0.99):.1f} | "
        f"{percentile(run.spread_ms, 0.5):.1f} / {percentile(run.spread_ms, 0.99):.1f} | "
        f"{target} | {verdict} | "
        f"{len(lat):,} messages ({run.calls} calls × {run.screens} screens), {run.missing} missing; "
        f"{run.screens} screens connected in {run.connect_s:.1f} s; state message {run.state_bytes} B; "
        f"1-min load {run.load} |"
    )


def render(when: datetime, runs: list[Run], notes: list[str], info: dict[str, str], seconds: float) -> str:
    screens = max((run.screens for run in runs), default=SCREENS)
    lines = [
        HEADING,
        "",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC (whole run {seconds:.0f} s)",
        f"- Machine: {info['machine']}, load average at start {info['load_start']}, at the end {info['load_end']}"
        " (other work shares this machine)",
        f"- Python {platform.python_version()}, {info['versions']}",
        f"- Command: `{COMMAND}`",
        "",
        f"{screens} screens on `/ws/locations/{{id}}/display/`, {CALLS} calls through "
        "`POST /api/v1/desks/{id}/call-next/` one after the other (each when every screen has the previous one). "
        "Latency: from just before the call request is written to the socket until a screen's `ticket.called` "
        "message is read, over every (call, screen) pair. It includes the call's own transaction and answer "
        "(column *call request*: the desk's HTTP round trip), the state computed once per call, the fan-out, and the "
        "screens' side. *Fan-out*: for each call, how long after the first screen each other screen got it. "
        "Servers: `uvicorn config.asgi:application` with DEBUG=0; the screens and the caller are asyncio clients "
        "(websockets) in one process on the same 2 cores.",
        "",
        "| Set-up | p50 ms | p99 ms | max ms | call request p50 / p99 ms | fan-out p50 / p99 ms | Target | Result "
        "| Notes |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
        *[row(run) for run in runs],
        "",
    ]
    if notes:
        lines += ["## Notes (display)", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines)


def write_results(section: str) -> None:
    """Replace this benchmark's block of RESULTS.md (between its markers, as bench/availability.py does), or
    append it; the other benchmarks' blocks stay as they are."""
    start, end = f"<!-- bench:{BLOCK}:start -->", f"<!-- bench:{BLOCK}:end -->"
    block = f"{start}\n{section.rstrip()}\n{end}\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        # An earlier run's section written without markers: drop it, up to the next block.
        if (old := text.find(HEADING)) >= 0:
            following = text.find("<!-- bench:", old)
            text = text[:old] + (text[following:] if following >= 0 else "")
        text = text.rstrip()
        text = (text + "\n\n" if text else "") + block
    RESULTS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave RESULTS.md alone")
    parser.add_argument("--screens", type=int, default=SCREENS, help=f"screens to connect (default {SCREENS})")
    parser.add_argument("--only", choices=["a", "b"], help="run one set-up only")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"measurements per set-up (default {ROUNDS})")
    args = parser.parse_args()
    if args.seed:
        seed()
        return 0

    os.chdir(ROOT)
    began = time.monotonic()
    when = datetime.now(tz=UTC)
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    runs: list[Run] = []
    notes: list[str] = []
    versions: list[str] = []

    if args.only != "b":
        runs.append(
            run_setup("(a) embedded: 1 process, in-memory layer, SQLite", "sqlite", "", 1, args.screens, args.rounds)
        )

    redis_version = redis_available(REDIS_URL)
    if args.only == "a":
        pass
    elif redis_version is None:
        notes.append(f"(b) not run: no Redis at {REDIS_URL}.")
    else:
        versions.append(f"Redis {redis_version}")
        kind = "postgres" if postgres_available() else "sqlite"
        database = f"PostgreSQL (pool of {PG_POOL})" if kind == "postgres" else "SQLite (no PostgreSQL reachable)"
        runs.append(
            run_setup(
                f"(b) production: 2 processes, Redis layer, {database}",
                kind,
                REDIS_URL,
                2,
                args.screens,
                args.rounds,
                # The production setting docs/configuration.md recommends under ASGI.
                extra_env={"DATABASE_POOL_MAX_SIZE": str(PG_POOL)} if kind == "postgres" else None,
            )
        )
        if kind == "postgres":
            # For comparison: the default without a pool opens a PostgreSQL connection for every request.
            runs.append(
                run_setup(
                    "(b′) the same without a pool (CONN_MAX_AGE=0, the default): informative",
                    kind,
                    REDIS_URL,
                    2,
                    args.screens,
                    1,
                    extra_env={"DATABASE_POOL_MAX_SIZE": "0"},
                )
            )

    for run in runs:
        if run.latencies_ms:
            spread = statistics.pstdev(run.latencies_ms)
            notes.append(
                f"{run.label.split(':')[0]}: mean {statistics.fmean(run.latencies_ms):.1f} ms, "
                f"standard deviation {spread:.1f} ms; the desk's own answer takes a median "
                f"{percentile(run.request_ms, 0.5):.1f} ms: screens hear of a call before the desk has its answer."
            )
    for run in runs:
        if len(run.rounds) > 1:
            every = "; ".join(f"p50 {p50:.1f} / p99 {p99:.1f} ms (load {load})" for p50, p99, load in run.rounds)
            notes.append(f"{run.label.split(':')[0]}: {len(run.rounds)} rounds, the median one above; all: {every}.")
    notes.append(
        "Each call sends 2 messages to every screen (the call, then the full state with its sequence number); "
        "the state is computed once per call in the process that made it, whatever the number of screens."
    )
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info = {
        "machine": machine(),
        "load_start": load_start,
        "load_end": load_end,
        "versions": ", ".join(versions) or "no Redis",
    }
    section = render(when, runs, notes, info, time.monotonic() - began)
    log("")
    log(section)
    if not args.no_write:
        write_results(section)
    missed = [
        r
        for r in runs
        if "informative" not in r.label
        and (not r.latencies_ms or r.missing or percentile(r.latencies_ms, 0.99) > TARGET_P99_MS)
    ]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
