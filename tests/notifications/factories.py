"""Factories of the notifications app: outbox rows and inbox items."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.accounts.factories import UserFactory


class DeliveryFactory(DjangoModelFactory):  # notifications: one outbox row
    class Meta:
        model = "notifications.Delivery"

    event_key = factory.Sequence(lambda n: f"test:event:{n}")
    channel = "email"
    recipient = factory.SubFactory(UserFactory)
    address = factory.LazyAttribute(lambda d: d.recipient.email if d.recipient else "someone@example.com")
    template = "test_message"
    context = factory.LazyFunction(dict)
    language = "en"
    send_after = factory.LazyFunction(timezone.now)


class InAppNotificationFactory(DjangoModelFactory):  # notifications: one inbox item
    class Meta:
        model = "notifications.InAppNotification"

    user = factory.SubFactory(UserFactory)
    event_key = factory.Sequence(lambda n: f"test:inapp:{n}")
    kind = "test_message"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."


def rendered_email(*, recipient, template):
    """The queued email of `template` to `recipient`, written as the worker would write it (tests of other apps
    check their messages through the outbox)."""
    from autoagenda.notifications.models import Delivery
    from autoagenda.notifications.rendering import render

    delivery = Delivery.objects.select_related("location").get(recipient=recipient, template=template, channel="email")
    return render(delivery)
