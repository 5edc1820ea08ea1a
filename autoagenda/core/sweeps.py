"""Periodic sweeps: a registry any app adds to, run by `manage.py worker` (notifications/sweeps.py).

The registry sits in core so that every app, whatever its layer, can register a sweep without importing the
app that runs them: `sweeps.register("prune-read-inbox", every=timedelta(hours=6), fn=prune)` in its
`AppConfig.ready()`. `fn(now)` must be safe to run twice (a worker killed mid-sweep runs it again next time)
and short; it returns a one-line summary (or None) that the worker logs and stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    fn: Callable[[datetime], object]


_registry: dict[str, Sweep] = {}


def register(name: str, *, every: timedelta, fn: Callable[[datetime], object]) -> None:
    """Add (or replace, for a reloaded app) the sweep `name`, run about once per `every`."""
    if every <= timedelta(0):
        raise ValueError("a sweep runs at least once per positive interval")
    if not name or len(name) > 100:
        raise ValueError("a sweep needs a name of 1 to 100 characters")
    _registry[name] = Sweep(name=name, every=every, fn=fn)


def registered() -> list[Sweep]:
    return sorted(_registry.values(), key=lambda sweep: sweep.name)


def unregister(name: str) -> None:
    _registry.pop(name, None)
