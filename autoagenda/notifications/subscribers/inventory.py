"""Notifications' answer to inventory's events: the managers of a location hear when a product runs low.

Subscribed in NotificationsConfig.ready(); runs inside the stock move's transaction (core/events.py), so an alert
exists exactly when the move does. In-app only: the bell of the managers (and admins would drown in it).
"""

from __future__ import annotations

from django.urls import reverse

from autoagenda.accounts.models import Role, User
from autoagenda.inventory.events import StockLevelCrossed, stock_level_crossed
from autoagenda.notifications.services import notification_enqueue


def _plain(value: object) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def alert_managers_of_low_stock(event: StockLevelCrossed) -> None:
    managers = User.objects.filter(
        is_active=True, memberships__location=event.location, memberships__role=Role.MANAGER
    ).distinct()
    url = reverse("inventory:low_stock") + f"?location={event.location.pk}"
    for manager in managers:
        notification_enqueue(
            event_key=f"stock-move:{event.move.pk}:low",  # one alert per crossing move
            recipient=manager,
            template="stock_low",
            context={
                "product_name": event.product.name,
                "sku": event.product.sku,
                "location_name": event.location.name,
                "quantity": _plain(event.after),
                "reorder_level": _plain(event.reorder_level),
                "url": url,
            },
            location=event.location,
            channels=["inapp"],
        )


def connect() -> None:
    stock_level_crossed.subscribe(alert_managers_of_low_stock)
