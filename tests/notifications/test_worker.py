"""The worker: claims due rows with a lease, sends, marks sent; retries with backoff, then fails; re-claims a dead
worker's rows when their lease expires; one bad row never stops the others."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from autoagenda.notifications import outbox
from autoagenda.notifications.models import Delivery
from autoagenda.notifications.services import notification_enqueue
from autoagenda.notifications.transports import PermanentError, TransientError
from autoagenda.notifications.transports.console import ConsoleGateway
from autoagenda.notifications.worker import Worker
from tests.accounts.factories import UserFactory
from tests.locations.factories import LocationFactory
from tests.notifications.factories import DeliveryFactory

SCL = ZoneInfo("America/Santiago")
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=SCL)


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600


def worker(**kwargs):
    kwargs.setdefault("sweeps_enabled", False)
    return Worker(**kwargs)


def status(delivery):
    delivery.refresh_from_db()
    return delivery.status


class Flaky:
    """A transport that fails as told, then sends; it records what it was given."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.sent: list[tuple[str, str]] = []

    def send(self, delivery, message):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((delivery.address, message.text))
        return f"id-{delivery.pk}"

    def close(self):
        pass


def test_a_due_email_is_rendered_sent_and_marked_sent_with_the_provider_id(db):
    with time_machine.travel(T0, tick=False):
        ana = UserFactory(email="ana@example.com", first_name="Ana", language="en")
        notification_enqueue(event_key="test:1", recipient=ana, template="test_message")
        assert worker().run_once() == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at, delivery.lease_owner) == ("sent", 1, T0, "")
    assert delivery.provider_message_id.startswith(f"<{delivery.key}@")
    [message] = mail.outbox
    assert message.to == ["Ana <ana@example.com>"]
    assert message.subject == "Test message from AutoAgenda"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Message-ID"] == delivery.provider_message_id


def test_the_message_is_written_in_the_recipients_language(db):
    notification_enqueue(event_key="test:1", recipient=UserFactory(language="es"), template="test_message")
    worker().run_once()
    assert mail.outbox[0].subject == "Mensaje de prueba de AutoAgenda"


def test_a_message_due_later_is_not_claimed_before_its_time(db):
    with time_machine.travel(T0, tick=False):
        DeliveryFactory(send_after=T0 + timedelta(minutes=5))
        assert worker().run_once() == 0
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert worker().run_once() == 1


def test_the_oldest_due_message_is_claimed_first(db):
    with time_machine.travel(T0, tick=False):
        late = DeliveryFactory(send_after=T0 - timedelta(minutes=1))
        early = DeliveryFactory(send_after=T0 - timedelta(hours=1))
        batch = outbox.claim(owner="w1", limit=1, lease=timedelta(minutes=1), now=T0)
    assert [d.pk for d in batch] == [early.pk]
    assert status(late) == "queued"


def test_each_claimed_message_comes_with_its_own_location_loaded(db, django_assert_num_queries):
    santiago = LocationFactory(name="Providencia", timezone="America/Santiago")
    madrid = LocationFactory(name="Chamberí", timezone="Europe/Madrid")
    with time_machine.travel(T0, tick=False):
        rows = [
            DeliveryFactory(location=place, send_after=T0 - timedelta(minutes=10 - n))
            for n, place in enumerate([madrid, santiago, None, madrid, santiago, madrid])
        ]
        batch = outbox.claim(owner="w1", limit=10, lease=timedelta(minutes=1), now=T0)
    assert [d.pk for d in batch] == [r.pk for r in rows]
    with django_assert_num_queries(0):
        names = [d.location.name if d.location else None for d in batch]
    assert names == ["Chamberí", "Providencia", None, "Chamberí", "Providencia", "Chamberí"]
    assert [d.location.timezone for d in batch if d.location][:2] == ["Europe/Madrid", "America/Santiago"]
    assert {d.status for d in batch} == {"sending"}


def test_the_claim_still_sends_post_init_when_something_listens_to_it(db):
    """The claim builds its instances without Model.__init__ only while nobody listens to its signals."""
    from django.db.models.signals import post_init

    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    with time_machine.travel(T0, tick=False):
        rows = [DeliveryFactory() for _ in range(2)]
        post_init.connect(listener, sender=Delivery)
        try:
            batch = outbox.claim(owner="w1", limit=5, lease=timedelta(minutes=1), now=T0)
        finally:
            post_init.disconnect(listener, sender=Delivery)
    assert {d.pk for d in batch} == {r.pk for r in rows}
    assert {r.pk for r in rows} <= set(seen)


def test_two_workers_never_claim_the_same_row(db):
    with time_machine.travel(T0, tick=False):
        rows = [DeliveryFactory() for _ in range(5)]
        first = outbox.claim(owner="w1", limit=3, lease=timedelta(minutes=1), now=T0)
        second = outbox.claim(owner="w2", limit=3, lease=timedelta(minutes=1), now=T0)
    assert len(first) == 3
    assert len(second) == 2
    assert {d.pk for d in first} | {d.pk for d in second} == {r.pk for r in rows}


def test_a_transient_error_queues_the_message_again_after_a_backoff(db):
    flaky = Flaky(TransientError("HTTP 503: busy"))
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
        w = worker()
        w.transports._made["email"] = flaky
        w.run_once()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("queued", 1, "HTTP 503: busy")
    assert T0 + timedelta(seconds=30) <= delivery.send_after <= T0 + timedelta(seconds=60)
    with time_machine.travel(delivery.send_after, tick=False):
        w.run_once()
    assert status(delivery) == "sent"
    assert flaky.sent == [(delivery.address, flaky.sent[0][1])]


def test_the_backoff_doubles_with_jitter_up_to_the_limit(settings):
    rng = random.Random(7)
    delays = [outbox.backoff(n, rng=rng).total_seconds() for n in range(1, 7)]
    limits = [60, 120, 240, 480, 600, 600]
    for delay, limit in zip(delays, limits, strict=True):
        assert limit / 2 <= delay <= limit


def test_after_the_last_attempt_the_message_fails_with_the_last_error(db):
    flaky = Flaky(*(TransientError(f"timeout {n}") for n in range(1, 4)))
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
    w = worker()
    w.transports._made["email"] = flaky
    when = T0
    for _attempt in range(3):
        with time_machine.travel(when, tick=False):
            assert w.run_once() == 1
        delivery.refresh_from_db()
        when = delivery.send_after
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error == "gave up after 3 attempts: timeout 3"
    assert flaky.sent == []


def test_a_permanent_error_fails_at_once_without_retrying(db):
    flaky = Flaky(PermanentError("HTTP 400: invalid recipient"))
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
        w = worker()
        w.transports._made["email"] = flaky
        w.run_once()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "HTTP 400: invalid recipient")


def test_an_unexpected_exception_from_a_transport_is_retried_not_fatal(db):
    flaky = Flaky(KeyError("surprise"))
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
        w = worker()
        w.transports._made["email"] = flaky
        w.run_once()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("queued", "KeyError: 'surprise'")


def test_a_dead_workers_rows_are_claimed_again_once_their_lease_expires(db):
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
        [claimed] = outbox.claim(owner="dead", limit=10, lease=timedelta(minutes=2), now=T0)
        assert claimed.pk == delivery.pk
        assert worker().run_once() == 0  # leased: nobody else may take it
    with time_machine.travel(T0 + timedelta(minutes=2, seconds=1), tick=False):
        assert worker().run_once() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_a_row_whose_lease_expired_too_often_fails(db, settings):
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory(attempts=2)
        outbox.claim(owner="dead", limit=10, lease=timedelta(minutes=1), now=T0)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        outbox.release_expired(now=T0 + timedelta(minutes=5))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "stopped before finishing" in delivery.last_error


def test_a_slow_worker_that_lost_its_lease_does_not_overwrite_the_new_owner(db):
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory()
        [mine] = outbox.claim(owner="slow", limit=1, lease=timedelta(minutes=1), now=T0)
    later = T0 + timedelta(minutes=2)
    outbox.release_expired(now=later)
    [theirs] = outbox.claim(owner="fast", limit=1, lease=timedelta(minutes=1), now=later)
    assert theirs.pk == delivery.pk
    assert outbox.mark_sent(mine, owner="slow", provider_id="x", now=later) is False
    assert outbox.mark_sent(theirs, owner="fast", provider_id="y", now=later) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_message_id) == ("sent", "y")


def test_stopping_hands_back_the_unsent_rest_of_the_batch_uncounted(db):
    with time_machine.travel(T0, tick=False):
        rows = [DeliveryFactory(send_after=T0 - timedelta(minutes=10 - n)) for n in range(3)]
        w = worker(batch_size=3)
        w.on_sent = lambda delivery: w.stop.set()  # SIGTERM arrives while the first message is being sent
        assert w.run_once() == 1
    states = [(status(row), row.attempts) for row in rows]
    assert states == [("sent", 1), ("queued", 0), ("queued", 0)]
    assert w.stats.released == 2


def test_a_template_error_fails_that_row_only(db, tmp_path, settings):
    folder = tmp_path / "notifications" / "messages" / "broken"
    folder.mkdir(parents=True)
    (folder / "email_subject.txt").write_text("{{ x|nosuchfilter }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with time_machine.travel(T0, tick=False):
        broken = DeliveryFactory(template="broken")
        missing = DeliveryFactory(template="no_such_template")
        fine = DeliveryFactory()
        worker().run_once()
    broken.refresh_from_db()
    missing.refresh_from_db()
    assert (broken.status, missing.status, status(fine)) == ("failed", "failed", "sent")
    assert "template error" in broken.last_error
    assert "template missing" in missing.last_error
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("channel", "address", "reason"),
    [
        ("email", "not-an-address", "not an email address"),
        ("email", "desk-1@clients.invalid", "placeholder"),
        ("sms", "12345", "not a phone number"),
        ("whatsapp", "+56 9 8765 4321", "not a phone number"),
    ],
)
def test_a_bad_address_fails_that_row_and_the_others_go_on(db, channel, address, reason):
    with time_machine.travel(T0, tick=False):
        bad = DeliveryFactory(channel=channel, address=address, recipient=None)
        good = DeliveryFactory()
        worker().run_once()
    bad.refresh_from_db()
    assert bad.status == "failed"
    assert reason in bad.last_error
    assert status(good) == "sent"


def test_an_sms_is_printed_readably_by_the_console_gateway(db, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("autoagenda.notifications.transports.console.sys.stdout", stream)
    user = UserFactory(phone="+56987654321", notify_email=False, notify_sms=True, language="en")
    with time_machine.travel(T0, tick=False):
        notification_enqueue(event_key="test:sms", recipient=user, template="test_message", channels=["sms"])
        worker().run_once()
    printed = stream.getvalue()
    assert printed.startswith("╭─ SMS to +56 9 8765 4321\n")
    assert "│ AutoAgenda: this is a test message." in printed
    assert "nothing was sent: SMS_PROVIDER=console" in printed
    assert Delivery.objects.get().provider_message_id.startswith("console-")


def test_the_console_gateway_counts_what_it_printed():
    gateway = ConsoleGateway(stream=io.StringIO())
    gateway.send(to="+56987654321", body="hola", whatsapp=True, reference="r1")
    assert gateway.sent == 1
    assert "WhatsApp to +56 9 8765 4321" in gateway.stream.getvalue()


@pytest.mark.postgres
def test_the_claim_on_postgresql_walks_the_partial_index_of_due_rows(db):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned whole; the plan's shape is the point
        cursor.execute("EXPLAIN " + outbox._CLAIM_POSTGRES, ["w", T0, T0, T0, 100])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "notifications_delivery_due" in plan
    assert "LockRows" in plan


@pytest.mark.postgres
@pytest.mark.parametrize("statuses", [["queued", "failed"], ["queued"]], ids=["cancel", "reschedule"])
def test_cancelling_or_moving_by_prefix_on_postgresql_uses_the_event_key_index(db, statuses):
    """The index holds only the messages not yet out, which is all that a cancellation or a move looks at."""
    from autoagenda.notifications.services import _matching

    Delivery.objects.bulk_create(
        DeliveryFactory.build(event_key=f"appointment:{n}:reminder:1440", recipient=None) for n in range(1000)
    )
    wanted = _matching(None, "appointment:42:")
    wanted = wanted.filter(status__in=statuses) if len(statuses) > 1 else wanted.filter(status=statuses[0])
    sql, params = wanted.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {outbox.TABLE}")  # a thousand queued reminders: the planner picks by cost
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notifications_delivery_event" in plan
