"""The lockout against the real server commands: `make run`'s uvicorn and the Procfile's gunicorn.

Issue 8's reproduction: those servers believed `X-Forwarded-For` from 127.0.0.1 (uvicorn's and gunicorn's
default `--forwarded-allow-ips`), so ten failed logins from 127.0.0.1, each with another forwarded address,
never locked anyone out. Each server here is started from the command line written in the Makefile or the
Procfile, on a socket this test holds, against the test database.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axes.models import AccessAttempt

from autoagenda.notifications.management.commands.run_web_and_worker import web_command
from tests.walkins.asgi_server import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
START_S = 60  # a cold process imports Django first; the first request waits in the socket's backlog meanwhile


def make_run_command(fd: int) -> list[str]:
    """The uvicorn line of `make run` (its supervisor's web command), on the socket `fd` instead of port 8000."""
    assert "manage.py run_web_and_worker" in (ROOT / "Makefile").read_text()
    args = web_command(host="127.0.0.1", port=8000, log_level="warning")
    for option in ("--host", "--port"):
        at = args.index(option)
        del args[at : at + 2]
    return [*args, "--fd", str(fd)]


def procfile_command(fd: int) -> list[str]:
    """The Procfile's `web` process, bound to the socket `fd` instead of 0.0.0.0:$PORT."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    args = shlex.split(line.removeprefix("web:").strip())
    assert args[0] == "gunicorn", line
    at = args.index("--bind")
    args[at + 1] = f"fd://{fd}"
    return [sys.executable, "-m", "gunicorn", *args[1:]]


@contextmanager
def serving(command: str, **env: str) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    fd = sock.fileno()
    argv = make_run_command(fd) if command == "make run" else procfile_command(fd)
    child_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "BEHIND_TLS_PROXY"}}
    child_env.update(DATABASE_URL=database_url(), PYTHONUNBUFFERED="1", DJANGO_ALLOW_ASYNC_UNSAFE="", **env)
    process = subprocess.Popen(argv, pass_fds=[fd], env=child_env, cwd=ROOT)  # noqa: S603  (our own command lines)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        sock.close()


# As `make run` runs it (the Makefile exports DEBUG=1); TESTING only for fast password hashing.
DEVELOPMENT = {"DEBUG": "1", "TESTING": "1"}
# As a platform runs the Procfile, minus TLS (the test speaks plain HTTP to the app, as a router does).
PRODUCTION = {
    "DEBUG": "0",
    "TESTING": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def _status(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> tuple[int, str]:
    try:
        with opener.open(request, timeout=START_S) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def api_login(url: str, *, forwarded_for: str) -> int:
    """A failed API sign-in as api@example.com (the web attempts below use another account)."""
    request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1 only)
        f"{url}/api/v1/auth/token/",
        data=json.dumps({"email": "api@example.com", "password": "wrong-password-123"}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
        method="POST",
    )
    return _status(urllib.request.build_opener(), request)[0]


class WebLogin:
    """A browser on the login page: the CSRF cookie and token from a GET, then POSTs."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/accounts/login/"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, html = _status(self.opener, urllib.request.Request(self.url))  # noqa: S310
        assert status == 200
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match is not None
        self.token = match.group(1)

    def attempt(self, *, forwarded_for: str) -> int:
        form = {"username": "web@example.com", "password": "wrong-password", "csrfmiddlewaretoken": self.token}
        request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1 only)
            self.url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"X-Forwarded-For": forwarded_for, "Referer": self.url},
            method="POST",
        )
        return _status(self.opener, request)[0]


# The web login answers the lockout page on the failure that reaches the limit already.
WEB_LOCKED = [200] * (LIMIT - 1) + [429, 429]


def rotating(n: int) -> str:
    return f"198.51.100.{n + 1}"


def test_make_run_locks_out_a_client_that_rotates_x_forwarded_for():
    with serving("make run", **DEVELOPMENT) as url:
        assert [api_login(url, forwarded_for=rotating(n)) for n in range(LIMIT + 1)] == [401] * LIMIT + [429]
        web = WebLogin(url)
        assert [web.attempt(forwarded_for=rotating(n)) for n in range(LIMIT + 1)] == WEB_LOCKED

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_procfile_server_locks_out_a_client_that_rotates_x_forwarded_for():
    with serving("Procfile", **PRODUCTION) as url:
        assert [api_login(url, forwarded_for=rotating(n)) for n in range(LIMIT + 1)] == [401] * LIMIT + [429]

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_named_proxy_the_server_counts_the_forwarded_client():
    with serving("make run", BEHIND_TLS_PROXY="127.0.0.1", **DEVELOPMENT) as url:
        assert [api_login(url, forwarded_for=rotating(n)) for n in range(LIMIT + 1)] == [401] * (LIMIT + 1)
        assert [api_login(url, forwarded_for="203.0.113.9") for _ in range(LIMIT + 1)] == [401] * LIMIT + [429]
        web = WebLogin(url)
        assert [web.attempt(forwarded_for="203.0.113.10") for _ in range(LIMIT + 1)] == WEB_LOCKED
        assert web.attempt(forwarded_for="203.0.113.11") == 200

    recorded = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert recorded == {rotating(n) for n in range(LIMIT + 1)} | {"203.0.113.9", "203.0.113.10", "203.0.113.11"}
