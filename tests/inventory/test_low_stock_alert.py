"""A move that takes a product to or below its reorder level alerts the location's managers in the app."""

import pytest

from autoagenda.core.errors import ApplicationError
from autoagenda.inventory import events, services
from autoagenda.notifications.models import InAppNotification
from autoagenda.notifications.subscribers.inventory import alert_managers_of_low_stock


def test_notifications_subscribes_to_the_crossing():
    assert alert_managers_of_low_stock in events.stock_level_crossed.subscribers


def test_crossing_the_level_alerts_the_managers_of_that_location_only(cast, stocked):
    cast.manager.language = "en"
    cast.manager.save()
    services.stock_adjust(actor=cast.receptionist, product=stocked, location=cast.location, quantity=-8, note="x")
    alerts = InAppNotification.objects.all()
    assert [a.user for a in alerts] == [cast.manager]
    alert = alerts.get()
    assert alert.kind == "stock_low"
    assert "Filtro de aceite" in alert.title
    assert "Taller Providencia" in alert.title
    assert "FIL-001 is down to 2 (reorder level 2)" in alert.body
    assert alert.url == f"/stock/low-stock/?location={cast.location.pk}"


def test_a_move_that_stays_above_or_below_the_level_does_not_alert_again(cast, stocked):
    services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-7)  # 3 > 2
    assert not InAppNotification.objects.exists()
    services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-2)  # 1: crossed
    services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-1)  # 0: still low
    assert InAppNotification.objects.count() == 1


def test_refilling_and_running_low_again_alerts_again(cast, stocked):
    services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-9)
    services.stock_receive(actor=cast.manager, product=stocked, location=cast.location, quantity=9)
    services.stock_use(product=stocked, location=cast.location, quantity=9, work_order_id=3, reserved=False)
    assert InAppNotification.objects.count() == 2


def test_a_refused_move_alerts_nobody(cast, stocked):
    with pytest.raises(ApplicationError):
        services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-11)
    assert not InAppNotification.objects.exists()


def test_the_alert_is_in_the_managers_language_spanish_by_default(cast, stocked):
    services.stock_adjust(actor=cast.manager, product=stocked, location=cast.location, quantity=-9)
    assert InAppNotification.objects.get().title.startswith("Stock bajo")
