"""The same webhook event delivered many times at once records one payment (real threads; PostgreSQL's row
lock on the deposit and the unique event id; on SQLite the IMMEDIATE transactions queue them)."""

import threading

import pytest
from django.db import connection

from autoagenda.deposits import services
from autoagenda.deposits.models import DepositEvent, DepositStatus
from autoagenda.scheduling.models import AppointmentStatusChange
from tests.deposits.helpers import fake_webhook

THREADS = 8


def deliver_at_once(payloads: list[tuple[bytes, dict[str, str]]]) -> list[str]:
    barrier = threading.Barrier(len(payloads))
    results: list[str] = ["not run"] * len(payloads)

    def run(index: int) -> None:
        payload, headers = payloads[index]
        try:
            barrier.wait(timeout=30)
            results[index] = services.webhook_receive(provider="fake", payload=payload, headers=headers)
        except Exception as exc:
            results[index] = f"crashed: {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_concurrently_records_one_payment(pending):
    results = deliver_at_once([fake_webhook(pending)] * THREADS)
    assert sorted(results) == ["confirmed"] + ["duplicate"] * (THREADS - 1), results
    assert DepositEvent.objects.count() == 1
    assert AppointmentStatusChange.objects.filter(to_status="confirmed").count() == 1
    pending.refresh_from_db()
    assert pending.status == DepositStatus.PAID


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_events_of_one_payment_at_once_confirm_once(pending):
    results = deliver_at_once([fake_webhook(pending, event_id=f"evt_{i}") for i in range(THREADS)])
    assert sorted(results) == ["already_paid"] * (THREADS - 1) + ["confirmed"], results
    assert DepositEvent.objects.count() == THREADS
    assert AppointmentStatusChange.objects.filter(to_status="confirmed").count() == 1
