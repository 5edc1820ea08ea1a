"""What notifications does when the apps below it tell it something happened (their `events.py`).

One module per source app. Every subscriber runs inside the sender's transaction and only *writes* outbox rows
and inbox items (`services.notification_enqueue`, `notification_reschedule`, `notification_cancel`): a change
that rolls back leaves no message, one that commits always has its messages. Nothing here talks to a provider.
"""

from __future__ import annotations


def connect() -> None:
    """Subscribe every handler (NotificationsConfig.ready); subscribing twice is once."""
    from autoagenda.notifications.subscribers import (
        accounts,
        billing,
        deposits,
        inventory,
        scheduling,
        walkins,
        workorders,
    )

    scheduling.connect()
    walkins.connect()
    accounts.connect()
    workorders.connect()
    inventory.connect()
    deposits.connect()
    billing.connect()
