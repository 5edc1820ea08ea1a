"""A real ASGI server (uvicorn, HTTP + WebSocket) in a child process, for the live tests.

pytest-django's `live_server` speaks WSGI, which has no WebSockets; these tests need the production
server anyway, and need to kill and restart it. The listening socket is made and kept by the test
process and handed to each child, so:
- there is no race for a free port, and no polling for "is it up yet": a client connects at once and
  its request waits in the socket's backlog until the child accepts it;
- a restarted server listens on the same address, so a browser's reconnect finds it again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

_LAUNCH = """
import socket, sys
import uvicorn
sock = socket.socket(fileno=int(sys.argv[1]))
config = uvicorn.Config(
    "config.asgi:application", log_level="warning", lifespan="off", timeout_graceful_shutdown=2
)
uvicorn.Server(config).run(sockets=[sock])
"""


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database), for a child process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


class AsgiServer:
    """`uvicorn config.asgi:application` in a child process; `start()`, `stop()`, `start()` again."""

    def __init__(self, *, redis_url: str = "", extra_env: dict[str, str] | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port: int = self.sock.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
                "DATABASE_URL": database_url(),
                "TESTING": "1",
                "DEBUG": "1",
                "PYTHONUNBUFFERED": "1",
                "DJANGO_ALLOW_ASYNC_UNSAFE": "",
            }
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update(extra_env or {})
        self.env = env

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        fd = self.sock.fileno()
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and a fixed script)
            [sys.executable, "-c", _LAUNCH, str(fd)], pass_fds=[fd], env=self.env, cwd=ROOT
        )

    def stop(self) -> None:
        """Stop the way a deploy does (SIGTERM: uvicorn closes its WebSockets with 1012), or kill if stuck."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def close(self) -> None:
        self.stop()
        self.sock.close()

    def __enter__(self) -> AsgiServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, path: str, *, token: str, data: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        """POST JSON with a bearer token; returns (status, body or None)."""
        request = urllib.request.Request(  # noqa: S310  (http://127.0.0.1 only)
            self.url + path,
            data=json.dumps(data or {}).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "en"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
            return response.status, (json.loads(body) if body else None)

    def get(self, path: str, *, timeout: float = 30) -> tuple[int, str]:
        request = urllib.request.Request(self.url + path, headers={"Accept-Language": "en"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode()
