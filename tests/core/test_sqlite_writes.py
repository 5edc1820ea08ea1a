"""The in-process FIFO write lock before SQLite's BEGIN IMMEDIATE (autoagenda/core/sqlite_writes.py)."""

import threading

import pytest
from django.db import connection, transaction

from autoagenda.core.sqlite_writes import WRITE_LOCK, FifoLock


def test_waiters_get_the_lock_in_the_order_they_asked():
    lock = FifoLock()
    assert lock.acquire(1)
    order: list[int] = []

    def wait_then_record(index: int) -> None:
        assert lock.acquire(30)
        order.append(index)
        lock.release()

    threads = []
    for index in range(6):
        thread = threading.Thread(target=wait_then_record, args=(index,))
        thread.start()
        threads.append(thread)
        while lock.waiting < index + 1:  # queued before the next one starts
            threading.Event().wait(0.001)
    lock.release()
    for thread in threads:
        thread.join(timeout=30)

    assert order == [0, 1, 2, 3, 4, 5]
    assert lock.acquire(0)  # free again
    lock.release()


def test_a_waiter_gives_up_after_its_timeout_and_leaves_the_queue():
    lock = FifoLock()
    assert lock.acquire(1)
    assert lock.acquire(0.01) is False
    assert lock.waiting == 0
    lock.release()
    assert lock.acquire(0)


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_transaction_holds_the_write_lock_until_it_ends():
    """On SQLite a transaction holds the lock from BEGIN IMMEDIATE to its end; PostgreSQL never takes it."""
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic():
        assert getattr(connection, "_autoagenda_holds_write_lock", False) is sqlite
        assert WRITE_LOCK.acquire(0) is not sqlite
        if not sqlite:
            WRITE_LOCK.release()
    assert getattr(connection, "_autoagenda_holds_write_lock", False) is False
    assert WRITE_LOCK.acquire(0)
    WRITE_LOCK.release()
    with pytest.raises(RuntimeError), transaction.atomic():
        raise RuntimeError
    assert WRITE_LOCK.acquire(0)  # a rollback lets go too
    WRITE_LOCK.release()
