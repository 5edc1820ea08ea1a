"""SQLite writers queue in this process, first come first served, before `BEGIN IMMEDIATE`.

SQLite lets one writer at a time hold its lock; the others sleep in its busy handler, which polls with growing
naps (up to 100 ms each) and wakes them in no order, so under concurrent bookings the unlucky ones wait far
longer than the work ahead of them (a p99 of seconds for bookings that take milliseconds). Every transaction
of the embedded default starts with `BEGIN IMMEDIATE` (settings: `transaction_mode`), so a process-wide FIFO
lock taken just before it, and released when the transaction commits, rolls back or its connection closes, makes
this process's writers wait in arrival order and wake the moment the previous one is done. Other processes (the
notifications worker, a second server) still meet SQLite's own lock, which stays the correctness guarantee;
this lock only orders the waiting. A waiter gives up after the connection's busy timeout with the same
"database is locked" error SQLite would raise.
"""

from __future__ import annotations

import threading
import types
from collections import deque
from typing import Any

from django.db import OperationalError
from django.db.backends.signals import connection_created


class FifoLock:
    """A non-reentrant lock handed to its waiters in the order they asked (threading.Lock promises no order)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        if turn.acquire(timeout=max(timeout, 0)):
            return True  # handed over by release(): we hold it now
        with self._guard:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over between the timeout and the guard

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()  # still held: ownership passes to the first waiter
            else:
                self._held = False

    @property
    def waiting(self) -> int:
        return len(self._waiters)


WRITE_LOCK = FifoLock()
_INSTALLED = "_autoagenda_fifo_writes"


def _holding(wrapper: Any) -> bool:
    return bool(getattr(wrapper, "_autoagenda_holds_write_lock", False))


def _let_go(wrapper: Any) -> None:
    if _holding(wrapper):
        wrapper._autoagenda_holds_write_lock = False
        WRITE_LOCK.release()


def install(wrapper: Any) -> None:
    """Wrap this SQLite connection's transaction start, commit, rollback and close around WRITE_LOCK (once)."""
    if getattr(wrapper, _INSTALLED, False):
        return
    cls = type(wrapper)

    def start(self: Any) -> None:
        if self.transaction_mode == "IMMEDIATE" and not _holding(self):
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            if not WRITE_LOCK.acquire(timeout):
                raise OperationalError("database is locked")
            self._autoagenda_holds_write_lock = True
        try:
            cls._start_transaction_under_autocommit(self)
        except BaseException:
            _let_go(self)
            raise

    def commit(self: Any) -> None:
        try:
            cls._commit(self)
        finally:
            _let_go(self)

    def rollback(self: Any) -> None:
        try:
            cls._rollback(self)
        finally:
            _let_go(self)

    def close(self: Any) -> None:
        try:
            cls._close(self)
        finally:
            _let_go(self)

    wrapper._start_transaction_under_autocommit = types.MethodType(start, wrapper)
    wrapper._commit = types.MethodType(commit, wrapper)
    wrapper._rollback = types.MethodType(rollback, wrapper)
    wrapper._close = types.MethodType(close, wrapper)
    setattr(wrapper, _INSTALLED, True)


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        install(connection)


def connect() -> None:
    """Called from core's `ready()`."""
    connection_created.connect(_on_connection, dispatch_uid="autoagenda-sqlite-fifo-writes")
