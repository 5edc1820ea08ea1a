"""The bell says how long ago an item arrived: "just now" under a minute, Django's wording after."""

from datetime import timedelta

import time_machine
from django.utils import timezone, translation

from autoagenda.notifications.templatetags.notifications_format import since


def test_a_brand_new_item_arrived_just_now_not_zero_minutes_ago():
    with time_machine.travel("2026-12-03 12:00:00+00:00", tick=False):
        now = timezone.now()
        with translation.override("es"):
            assert since(now - timedelta(seconds=30)) == "ahora mismo"
        with translation.override("en"):
            assert since(now) == "just now"


def test_an_older_item_says_how_long_ago():
    with time_machine.travel("2026-12-03 12:00:00+00:00", tick=False), translation.override("en"):
        assert since(timezone.now() - timedelta(minutes=5)) == "5\xa0minutes"


def test_an_unreadable_time_says_nothing():
    assert since("not a time") == ""
