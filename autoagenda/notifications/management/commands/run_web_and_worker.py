"""`manage.py run_web_and_worker`: what `make run` starts — the web server (uvicorn) and one worker, together.

One command for a newcomer: Ctrl-C (or SIGTERM) stops both; if either one dies, the other is stopped too and
the command exits with its code. The children run in their own process group, so a terminal's Ctrl-C reaches
them only through this supervisor (one orderly SIGTERM each, then SIGKILL after a grace period), and on Linux
they are also told to die with it (PR_SET_PDEATHSIG), so even a supervisor killed with SIGKILL leaves no
orphans behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

GRACE_SECONDS = 15
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Not Linux: no prctl; the process group and the signal handlers still stop them.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def web_command(*, host: str, port: int, log_level: str) -> list[str]:
    """The web server `make run` starts (tests/accounts/test_lockout_live_servers.py runs this very line)."""
    return [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", host, "--port", str(port), "--log-level", log_level,
        "--no-proxy-headers",  # nothing stands in front of a development server: trust no X-Forwarded-*
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Run the web server and one notifications worker together (Ctrl-C stops both)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--log-level", default="warning")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        commands = {
            "web": web_command(host=options["host"], port=options["port"], log_level=options["log_level"]),
            "worker": [sys.executable, "manage.py", "worker"],
        }  # fmt: skip
        children: dict[str, subprocess.Popen[bytes]] = {}
        for name, command in commands.items():
            children[name] = subprocess.Popen(  # noqa: S603  (our interpreter, fixed arguments)
                command, cwd=settings.BASE_DIR, start_new_session=True, preexec_fn=_die_with_parent
            )
        pids = ", ".join(f"{name} pid {child.pid}" for name, child in children.items())
        self.stdout.write(f"Started {pids}. Ctrl-C stops both.")
        self.stdout.flush()
        exited: str | None = None
        while not stop.wait(0.5):
            exited = next((name for name, child in children.items() if child.poll() is not None), None)
            if exited is not None:
                self.stderr.write(f"The {exited} process stopped (exit {children[exited].returncode}); stopping.")
                break
        code = self._stop_all(children)
        if exited is not None:
            sys.exit(children[exited].returncode or 1)
        sys.exit(code)

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]]) -> int:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        worst = 0
        for name, child in children.items():
            try:
                child.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} process did not stop in {GRACE_SECONDS} s; killing it.")
                child.kill()
                child.wait()
            worst = worst or (child.returncode if child.returncode and child.returncode > 0 else 0)
        self.stdout.write("Web server and worker stopped.")
        return worst
