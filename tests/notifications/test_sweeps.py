"""The worker's scheduler: each registered sweep runs once per period however many workers run; the first
sweeps prune read inbox items and old sent messages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autoagenda.core import sweeps as registry
from autoagenda.notifications import sweeps
from autoagenda.notifications.models import Delivery, InAppNotification, SweepRun
from tests.notifications.factories import DeliveryFactory, InAppNotificationFactory

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/Santiago"))


@pytest.fixture
def counted():
    calls: list[datetime] = []
    registry.register("test.counted", every=timedelta(minutes=10), fn=lambda now: calls.append(now) or "counted")
    yield calls
    registry.unregister("test.counted")


def test_a_sweep_runs_once_per_period_however_often_workers_look(db, counted):
    sweeps.run_due(now=T0)
    sweeps.run_due(now=T0 + timedelta(minutes=1))  # another worker, a minute later
    sweeps.run_due(now=T0 + timedelta(minutes=9))
    assert counted == [T0]
    sweeps.run_due(now=T0 + timedelta(minutes=10))
    assert counted == [T0, T0 + timedelta(minutes=10)]
    row = SweepRun.objects.get(name="test.counted")
    assert (row.next_run_at, row.last_result) == (T0 + timedelta(minutes=20), "counted")


def test_a_failing_sweep_is_recorded_and_the_others_still_run(db, counted):
    registry.register("test.broken", every=timedelta(minutes=5), fn=lambda now: 1 / 0)
    try:
        ran = dict(sweeps.run_due(now=T0))
    finally:
        registry.unregister("test.broken")
    assert ran["test.broken"].startswith("error: ZeroDivisionError")
    assert counted == [T0]


def test_registering_needs_a_positive_period():
    with pytest.raises(ValueError, match="positive"):
        registry.register("test.never", every=timedelta(0), fn=lambda now: None)


def test_the_inbox_sweep_deletes_read_items_older_than_the_setting(db, settings):
    settings.NOTIFICATIONS_INBOX_RETENTION_DAYS = 30
    old_read = InAppNotificationFactory(read_at=T0 - timedelta(days=31))
    recent_read = InAppNotificationFactory(read_at=T0 - timedelta(days=29))
    unread = InAppNotificationFactory()
    InAppNotification.objects.filter(pk=unread.pk).update(created_at=T0 - timedelta(days=400))
    summary = sweeps.prune_read_inbox(T0)
    assert set(InAppNotification.objects.values_list("pk", flat=True)) == {recent_read.pk, unread.pk}
    assert summary.startswith("1 read in-app notifications")
    assert not InAppNotification.objects.filter(pk=old_read.pk).exists()


def test_the_outbox_sweep_keeps_failed_and_recent_rows(db, settings):
    settings.NOTIFICATIONS_OUTBOX_RETENTION_DAYS = 180
    old_sent = DeliveryFactory(status="sent", sent_at=T0 - timedelta(days=181))
    new_sent = DeliveryFactory(status="sent", sent_at=T0 - timedelta(days=1))
    old_failed = DeliveryFactory(status="failed", last_error="HTTP 400")
    Delivery.objects.filter(pk=old_failed.pk).update(updated_at=T0 - timedelta(days=400))
    sweeps.prune_outbox(T0)
    assert set(Delivery.objects.values_list("pk", flat=True)) == {new_sent.pk, old_failed.pk}
    assert not Delivery.objects.filter(pk=old_sent.pk).exists()


def test_the_builtin_sweeps_are_registered_when_the_app_loads():
    names = {sweep.name for sweep in registry.registered()}
    assert {"notifications.prune_read_inbox", "notifications.prune_outbox"} <= names
