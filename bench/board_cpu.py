"""CPU time of one cached job-board request in-process (issue 12): what a board GET costs the server, measured
with `time.process_time()` over many iterations (wall clocks mean nothing on a shared machine).

Seeds a SQLite file like bench/workorders.py's world (one location, `--work-orders` open work orders over the
five columns, 8 mechanics, 8 receptionists; its `child_setup`), DEBUG=0 settings, the local-memory cache, then:

- client: `GET /work-orders/board/<location>/` through Django's test Client (WSGI handler), a receptionist's
  session, the page already cached for that viewer and minute (what every request but the first per viewer,
  board version and minute pays);
- asgi: the same request through config.asgi's application called directly (no HTTP parsing, no socket);
- reader: the client's share: `http.client` parsing a response of the page's size over a local socket pair is
  not simulated; instead the page size is reported (the bench's clients read every byte).

  .venv/bin/python bench/board_cpu.py [--work-orders 300] [--iterations 200] [--profile client|asgi]

The SQLite file is kept in the temporary directory (reused by the next run with the same size).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def configure(work_orders: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"aa-board-cpu-{work_orders}.sqlite3"
    for name in ("TESTING", "REDIS_URL", "PYTEST_XDIST_WORKER"):
        os.environ.pop(name, None)
    os.environ.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET", secrets.token_urlsafe(50)),
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{path}",
        AXES_ENABLED="0",
        THROTTLE_ANON="100000000/min",
        THROTTLE_USER="100000000/min",
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work-orders", type=int, default=300)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--profile", choices=("client", "asgi"))
    args = parser.parse_args()
    path = configure(args.work_orders)
    fresh = not path.exists()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from autoagenda.accounts.models import User
    from autoagenda.locations.models import Location

    call_command("collectstatic", interactive=False, verbosity=0)
    if fresh:
        call_command("migrate", verbosity=0)
        import workorders as bench

        bench.child_setup({"work_orders": args.work_orders, "mechanics": 8, "clients": 8})
    location = Location.objects.get(name="Taller Benchmark")
    user = User.objects.filter(email__startswith="recepcion").order_by("pk").first()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/work-orders/board/{location.pk}/"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    size = len(first.content)

    def via_client() -> None:
        response = client.get(url)
        assert response.status_code == 200

    from config.asgi import application

    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"cookie", cookie.encode()),
            (b"accept", b"text/html"),
            (b"accept-language", b"es"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    loop = asyncio.new_event_loop()

    async def asgi_once() -> None:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await application(dict(scope), receive, send)
        assert sent[0]["status"] == 200, sent[0]

    def via_asgi() -> None:
        loop.run_until_complete(asgi_once())

    paths = {"client": via_client, "asgi": via_asgi}
    for fn in paths.values():
        for _ in range(5):
            fn()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.iterations):
            paths[args.profile]()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return 0
    print(f"work orders {args.work_orders}; page {size} bytes ({size / 1024:.0f} KiB); iterations {args.iterations}")
    for name, fn in paths.items():
        started = time.process_time()
        for _ in range(args.iterations):
            fn()
        cpu = (time.process_time() - started) / args.iterations * 1000
        print(f"{name}: {cpu:.2f} ms CPU per request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
