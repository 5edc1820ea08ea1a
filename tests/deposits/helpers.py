"""Shared set-up of the deposit tests: a location asking 20 % (CLP), a client's pending booking, the fake's webhook.

The clock stands still on Monday 2026-11-30 08:00 in Santiago; the cast's location opens Monday–Friday
09:00–13:00 and 14:00–18:00; the service costs 25 000 CLP, so the deposit is 5 000 CLP, held 30 minutes.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from autoagenda.deposits.providers import fake

SCL = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=SCL)
TUESDAY = date(2026, 12, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SCL)


def fake_webhook(deposit, *, paid: bool = True, event_id: str = "evt_1") -> tuple[bytes, dict[str, str]]:
    payload = fake.event_payload(deposit=deposit, session_id=deposit.session_id, paid=paid, event_id=event_id)
    return payload, {fake.SIGNATURE_HEADER: fake.sign(payload)}
