#!/usr/bin/env python3
"""Schemathesis against a real server: every operation of /api/schema/, as an admin and as a client.

A fresh PostgreSQL database gets the migrations and the demo data; uvicorn serves config.asgi:application on it
as in production (DEBUG off, a random secret); each user signs in through the API and schemathesis sends a few
generated requests per operation (examples, coverage of the schema's edges, fuzzing and stateful sequences),
failing on any 5xx, any status code the schema does not document and any answer that does not match its schema.
Prints the counts per user (operations, requests, failures) and exits non-zero on any failure.

    .venv/bin/python .ci/fuzz_api.py                  # what CI runs (bash .ci/run)
    FUZZ_EXAMPLES=30 FUZZ_SEED=7 .venv/bin/python .ci/fuzz_api.py

Settings (environment): FUZZ_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/autoagenda_fuzz; the
database is dropped and created again), FUZZ_EXAMPLES (per operation and phase, default 8), FUZZ_SEED (default
fixed, so a run can be repeated; set another to explore), FUZZ_REPORT_DIR (default var/fuzz).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
USERS = {"admin": "admin@demo.autoagenda.cl", "client": "cliente1@demo.autoagenda.cl"}
DEMO_PASSWORD = "autoagenda-demo-2026"  # noqa: S105  (the public demo password, README)
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
PHASES = "examples,coverage,fuzzing,stateful"


def log(message: str) -> None:
    print(f"[fuzz] {message}", flush=True)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing an unusual database name: {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(method: str, url: str, body: dict[str, str] | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (our own server on loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting (see its log)")
        try:
            if http("GET", f"{base}/health/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /health/ within 20 s")


def access_token(base: str, email: str) -> str:
    status, body = http("POST", f"{base}/api/v1/auth/token/", {"email": email, "password": DEMO_PASSWORD})
    if status != 200:
        raise SystemExit(f"signing in as {email} answered {status}: {body[:200]!r}")
    return str(json.loads(body)["access"])


ACCESS_LINE = re.compile(r'"[A-Z]+ \S+ HTTP/1\.1" (\d{3})')


def served(server_log: Path) -> list[int]:
    """Status codes of every request the server answered so far (uvicorn's access log)."""
    return [int(m.group(1)) for m in ACCESS_LINE.finditer(server_log.read_text(errors="replace"))]


def summary_numbers(output: str) -> dict[str, int]:
    tested = re.search(r"Tested:\s+(\d+)", output)
    failures = re.search(r"(\d+) found (\d+) unique failures?", output)
    return {
        "operations": int(tested.group(1)) if tested else 0,
        "failures": int(failures.group(2)) if failures else 0,
    }


def run_schemathesis(
    base: str, role: str, token: str, reports: Path, examples: int, seed: str, server_log: Path
) -> dict[str, int]:
    before = len(served(server_log))
    command = [
        str(BIN / "schemathesis"),
        "--no-color",
        "run",
        f"{base}/api/schema/",
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--max-examples",
        str(examples),
        "--seed",
        seed,
        "--workers",
        "2",
        "--header",
        f"Authorization: Bearer {token}",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports / f"{role}.xml"),
        "--warnings",
        "off",
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=reports, capture_output=True, text=True, check=False)  # noqa: S603
    (reports / f"{role}.txt").write_text(result.stdout + result.stderr)
    numbers = summary_numbers(result.stdout)
    time.sleep(0.5)  # the access log is written after each answer
    answered = served(server_log)[before:]
    numbers["requests"] = len(answered)
    numbers["server_errors"] = sum(1 for code in answered if code >= 500)
    numbers["seconds"] = round(time.monotonic() - started)
    numbers["exit"] = result.returncode
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-20000:])
    return numbers


def main() -> int:
    database = os.environ.get("FUZZ_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/autoagenda_fuzz")
    examples = int(os.environ.get("FUZZ_EXAMPLES", "8"))
    seed = os.environ.get("FUZZ_SEED", "20261203")
    reports = Path(os.environ.get("FUZZ_REPORT_DIR", str(ROOT / "var" / "fuzz"))).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TESTING", "SQLITE_TEST_NAME")},
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "JWT_ACCESS_MINUTES": "10",  # the longest allowed: one token lasts a user's whole run
        # Throttles would answer 429 long before the logic behind them is reached (429 is documented anyway).
        **{f"THROTTLE_{scope}": "1000000/min" for scope in ("ANON", "USER", "AUTH", "REGISTER")},
        "LOG_LEVEL": "ERROR",
    }
    log(f"fresh database {urlsplit(database).path.lstrip('/')}: migrate, demo data, static files")
    recreate_database(database)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run([*manage, "load_demo", "--force"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    # As a deployment does: with DEBUG off, pages (the HTML 404 of a stray URL too) need the static manifest.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log_path = reports / "server.log"
    server_log = server_log_path.open("w")
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    results: dict[str, dict[str, int]] = {}
    try:
        wait_until_healthy(base, server)
        for role, email in USERS.items():
            log(f"schemathesis as {role} ({email}), {examples} examples per operation and phase, seed {seed}")
            token = access_token(base, email)
            results[role] = run_schemathesis(base, role, token, reports, examples, seed, server_log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
    for role, numbers in results.items():
        log(
            f"{role}: {numbers['operations']} operations, {numbers['requests']} requests, "
            f"{numbers['failures']} failures, {numbers['server_errors']} server errors ({numbers['seconds']} s)"
        )
    log(f"reports in {reports}")
    good = [n["exit"] == 0 and n["server_errors"] == 0 and n["operations"] > 0 for n in results.values()]
    print(f"schemathesis: {sum(good)} passed, {len(USERS) - sum(good)} failed", flush=True)
    return 0 if len(good) == len(USERS) and all(good) else 1


if __name__ == "__main__":
    sys.exit(main())
