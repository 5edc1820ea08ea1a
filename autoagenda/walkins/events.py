"""What walkins tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects").

`waiting_line_moved` is sent, inside the service's transaction, whenever people in a waiting line move up: a desk
called the next one, a waiting ticket was cancelled, ended or transferred away. Notifications uses it to text the
person who is now third ("you are next but two").
"""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.core.events import Event


@dataclass(frozen=True)
class WaitingLineMoved:
    location_id: int
    queue_ids: tuple[int, ...]  # the queues whose waiting people moved up


waiting_line_moved: Event[WaitingLineMoved] = Event("walkins.waiting_line_moved")
