"""The outbox's invariants are database constraints: no code path can store a row that breaks them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from autoagenda.notifications.models import Delivery, InAppNotification
from tests.accounts.factories import UserFactory
from tests.notifications.factories import DeliveryFactory, InAppNotificationFactory


def _refused(**changes):
    delivery = DeliveryFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(**changes)


def test_the_same_event_recipient_and_channel_is_stored_once(db):
    first = DeliveryFactory(event_key="appointment:1:confirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryFactory(event_key="appointment:1:confirmed", recipient=first.recipient, channel="email")


def test_another_channel_of_the_same_event_is_another_row(db):
    first = DeliveryFactory(event_key="appointment:1:confirmed")
    DeliveryFactory(
        event_key="appointment:1:confirmed", recipient=first.recipient, channel="sms", address="+56987654321"
    )
    assert Delivery.objects.filter(event_key="appointment:1:confirmed").count() == 2


def test_a_recipient_without_account_is_unique_by_address(db):
    DeliveryFactory(event_key="ticket:7:soon", recipient=None, channel="sms", address="+56987654321")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryFactory(event_key="ticket:7:soon", recipient=None, channel="sms", address="+56987654321")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"status": "lost"}, id="status_valid"),
        pytest.param({"channel": "pigeon"}, id="channel_valid"),
        pytest.param({"address": ""}, id="address_present"),
        pytest.param({"event_key": ""}, id="event_key_present"),
        pytest.param({"status": "sent"}, id="sent_has_sent_at"),
        pytest.param({"sent_at": timezone.now()}, id="only_sent_has_sent_at"),
        pytest.param({"status": "sending"}, id="sending_has_lease"),
        pytest.param({"status": "failed", "last_error": ""}, id="failed_has_error"),
    ],
)
def test_the_database_refuses_a_row_that_breaks_an_invariant(db, changes):
    _refused(**changes)


def test_attempts_cannot_go_below_zero(db):
    _refused(attempts=-1)


def test_a_sent_row_with_its_time_and_a_leased_sending_row_are_fine(db):
    delivery = DeliveryFactory()
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", lease_owner="w1", lease_expires_at=now)
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", sent_at=now, lease_owner="", lease_expires_at=None)
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"


def test_an_inbox_item_is_stored_once_per_event_and_person(db):
    user = UserFactory()
    InAppNotificationFactory(user=user, event_key="appointment:1:new")
    with pytest.raises(IntegrityError), transaction.atomic():
        InAppNotificationFactory(user=user, event_key="appointment:1:new")
    InAppNotificationFactory(user=UserFactory(), event_key="appointment:1:new")
    assert InAppNotification.objects.filter(event_key="appointment:1:new").count() == 2


def test_an_inbox_item_needs_a_title(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        InAppNotificationFactory(title="")
