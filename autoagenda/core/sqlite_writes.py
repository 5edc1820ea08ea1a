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

The same hooks keep a few closed connections open for the next request (`_IdleConnections`). Under ASGI each
request gets a new Django connection object, and a new SQLite connection costs its `connect()`, Django's
registration of its SQL functions and the init PRAGMAs each time (py-spy: about a tenth of the cheapest read);
an idle one, rolled back, is as good as new. One that points at a file which has since been replaced (a test
database created again at the same path) is closed instead of reused.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import Any

from django.db import OperationalError


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


class _IdleConnections:
    """Open SQLite connections nobody uses, per connection parameters, with the file each one has open."""

    KEEP = 4

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._idle: dict[str, list[tuple[Any, tuple[int, int]]]] = {}

    @staticmethod
    def _key(params: dict[str, Any]) -> str:
        return repr(sorted(params.items(), key=lambda item: item[0]))

    @staticmethod
    def _file(params: dict[str, Any]) -> tuple[int, int] | None:
        name = str(params.get("database", ""))
        if not name or name == ":memory:" or name.startswith("file:"):  # a plain path (Django sets uri=True)
            return None
        try:
            found = os.stat(name)
        except OSError:
            return None
        return (found.st_dev, found.st_ino)

    def take(self, params: dict[str, Any]) -> Any | None:
        where = self._file(params)
        if where is None:
            return None
        with self._guard:
            idle = self._idle.get(self._key(params), [])
            while idle:
                raw, opened = idle.pop()
                if opened == where:
                    return raw
                raw.close()  # the file was replaced since: that connection reads the old one
        return None

    def give(self, params: dict[str, Any], raw: Any) -> bool:
        where = self._file(params)
        if where is None:
            return False
        if raw.in_transaction:
            raw.rollback()
        with self._guard:
            idle = self._idle.setdefault(self._key(params), [])
            if len(idle) >= self.KEEP:
                return False
            idle.append((raw, where))
        return True


IDLE = _IdleConnections()


def _holding(wrapper: Any) -> bool:
    return bool(getattr(wrapper, "_autoagenda_holds_write_lock", False))


def _let_go(wrapper: Any) -> None:
    if _holding(wrapper):
        wrapper._autoagenda_holds_write_lock = False
        WRITE_LOCK.release()


def install(cls: Any) -> None:
    """Wrap the SQLite backend's transaction start, commit, rollback, close and connect (once, at start-up).

    On the class, because Django makes a new connection object per request under ASGI (and per thread)."""
    if getattr(cls, _INSTALLED, False):
        return
    start_transaction, commit_, rollback_ = cls._start_transaction_under_autocommit, cls._commit, cls._rollback
    close_, connect_ = cls._close, cls.get_new_connection

    def start(self: Any) -> None:
        if self.transaction_mode == "IMMEDIATE" and not _holding(self):
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            if not WRITE_LOCK.acquire(timeout):
                raise OperationalError("database is locked")
            self._autoagenda_holds_write_lock = True
        try:
            start_transaction(self)
        except BaseException:
            _let_go(self)
            raise

    def commit(self: Any) -> None:
        try:
            commit_(self)
        finally:
            _let_go(self)

    def rollback(self: Any) -> None:
        try:
            rollback_(self)
        finally:
            _let_go(self)

    def close(self: Any) -> None:
        try:
            raw, params = self.connection, getattr(self, "_autoagenda_params", None)
            if raw is None or params is None or self.is_in_memory_db() or not IDLE.give(params, raw):
                close_(self)
        finally:
            _let_go(self)

    def get_new_connection(self: Any, conn_params: dict[str, Any]) -> Any:
        self._autoagenda_params = conn_params
        return IDLE.take(conn_params) or connect_(self, conn_params)

    cls._start_transaction_under_autocommit = start
    cls._commit = commit
    cls._rollback = rollback
    cls._close = close
    cls.get_new_connection = get_new_connection
    setattr(cls, _INSTALLED, True)


def connect() -> None:
    """Called from core's `ready()`."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    install(DatabaseWrapper)
