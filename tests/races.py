"""Calls released together, each in its own thread with its own database connection (the race tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from typing import Any

import time_machine
from django.db import connection

from autoagenda.core.errors import ApplicationError


def race(calls: list[Callable[[], Any]], *, frozen_at: datetime | None = None) -> list[Any]:
    """Every call's result in order; a refusal is ("refused", code), anything else ("crashed", repr), which
    fails the test that reads it. `frozen_at`: the clock stands still there for every thread."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [("not run",)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except ApplicationError as exc:
            results[index] = ("refused", exc.code)
        except Exception as exc:  # fails the test below, with its message
            results[index] = ("crashed", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    with time_machine.travel(frozen_at, tick=False) if frozen_at else nullcontext():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results
