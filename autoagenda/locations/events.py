"""What the locations app tells the apps above it (core/events.py; CONTRIBUTING.md, "Cross-app effects").

Saves and deletes of a location, its opening hours and closures already send Django's signals; these events
cover the writes that send none (`bulk_create`, `update`).
"""

from __future__ import annotations

from dataclasses import dataclass

from autoagenda.core.events import Event


@dataclass(frozen=True)
class AvailabilityInputsChanged:
    """Something a booking depends on changed at this location (its weekly opening hours)."""

    location_id: int


availability_inputs_changed: Event[AvailabilityInputsChanged] = Event("locations.availability_inputs_changed")
