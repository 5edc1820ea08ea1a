"""`make run`'s one command: the web server and a worker start together; Ctrl-C stops both; if the supervisor
itself is killed, neither is left behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.notifications.peers import free_port, wait_until
from tests.walkins.asgi_server import ROOT, database_url

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

START_S = 60


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) is not running
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _start(port: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = Path(tempfile.mkstemp(prefix="run-", suffix=".log")[1])
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DATABASE_URL=database_url(), TESTING="1", DEBUG="1", PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    process = subprocess.Popen(  # noqa: S603  (our interpreter, our manage.py)
        [sys.executable, "manage.py", "run_web_and_worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return process, log


def _children(log: Path) -> dict[str, int]:
    found = re.search(r"Started web pid (\d+), worker pid (\d+)", log.read_text())
    return {"web": int(found.group(1)), "worker": int(found.group(2))} if found else {}


def _serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_ctrl_c_stops_the_web_server_and_the_worker():
    port = free_port()
    supervisor, log = _start(port)
    wait_until(lambda: bool(_children(log)), timeout=START_S, what="both processes to start")
    pids = _children(log)
    wait_until(lambda: _serving(port), timeout=START_S, what="the web server to answer")
    wait_until(lambda: "sending notifications" in log.read_text(), timeout=START_S, what="the worker to start")

    supervisor.send_signal(signal.SIGINT)

    assert supervisor.wait(timeout=30) == 0, log.read_text()
    wait_until(lambda: not any(_alive(pid) for pid in pids.values()), timeout=10, what="the children to exit")
    assert "Worker stopped" in log.read_text()


def test_a_killed_supervisor_leaves_no_orphans():
    port = free_port()
    supervisor, log = _start(port)
    wait_until(lambda: bool(_children(log)), timeout=START_S, what="both processes to start")
    pids = _children(log)
    wait_until(lambda: _serving(port), timeout=START_S, what="the web server to answer")

    supervisor.kill()
    supervisor.wait(timeout=10)

    wait_until(lambda: not any(_alive(pid) for pid in pids.values()), timeout=30, what="the orphans to exit")


def test_when_the_worker_dies_the_web_server_is_stopped_too():
    port = free_port()
    supervisor, log = _start(port)
    wait_until(lambda: bool(_children(log)), timeout=START_S, what="both processes to start")
    pids = _children(log)
    wait_until(lambda: "sending notifications" in log.read_text(), timeout=START_S, what="the worker to start")

    os.kill(pids["worker"], signal.SIGKILL)

    assert supervisor.wait(timeout=30) != 0
    wait_until(lambda: not _alive(pids["web"]), timeout=10, what="the web server to stop")
    assert "The worker process stopped" in log.read_text()
