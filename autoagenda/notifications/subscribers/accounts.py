"""People: the applicant hears the decision on their professional application (email and in the app)."""

from __future__ import annotations

from django.urls import reverse

from autoagenda.accounts import events
from autoagenda.notifications.models import INAPP, Channel
from autoagenda.notifications.services import notification_enqueue


def connect() -> None:
    events.application_decided.subscribe(on_application_decided)


def on_application_decided(event: events.ApplicationDecided) -> None:
    application = event.application
    location = application.location
    notification_enqueue(
        event_key=f"application:{application.pk}:decided",
        recipient=application.user,
        template="application_decided",
        context={
            "approved": event.approved,
            "application_location": location.name,
            "decision_note": application.decision_note,
            "url": reverse("home"),
        },
        location=location,
        channels=[INAPP, Channel.EMAIL.value],
    )
