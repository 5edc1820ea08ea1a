"""The choices a client has made so far in the booking pages, read from the query string.

Every choice travels in the query string (vehicle, service, mechanic, reschedule, month, date, start), so each
step is a plain GET page that a reload, the back button or a shared link shows again; a missing or stale choice
sends the client back to the step that asks for it (`FlowRedirect`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import get_visible_or_404
from autoagenda.catalog.models import Service
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import get_vehicle_for_user
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import get_location_for_user
from autoagenda.scheduling import availability, selectors, services
from autoagenda.scheduling.booking import selectors as booking_selectors
from autoagenda.scheduling.booking.forms import ChoicesForm
from autoagenda.scheduling.models import Appointment, AppointmentStatus

TOO_LATE = gettext_lazy("Too late to change online — call the workshop.")
CHANGEABLE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)

# Which choices each step's URL carries: the ones made before it.
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "vehicle": (),
    "service": ("vehicle",),
    "month": ("vehicle", "service", "mechanic", "reschedule", "month"),
    "day": ("vehicle", "service", "mechanic", "reschedule", "date"),
    "confirm": ("vehicle", "service", "mechanic", "reschedule", "start"),
}


class FlowRedirect(Exception):
    """A step that lacks an earlier choice answers with a redirect to the step that asks for it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass
class Flow:
    location: Location
    vehicle: Vehicle | None = None
    service: Service | None = None
    mechanic: User | None = None
    mechanics: list[User] = field(default_factory=list)  # the service's eligible mechanics, for the select
    appointment: Appointment | None = None  # the one being rescheduled
    month: date | None = None
    day: date | None = None
    start: datetime | None = None

    @property
    def needs_vehicle(self) -> bool:
        return self.location.is_automotive and self.appointment is None

    def _values(self) -> dict[str, Any]:
        return {
            "vehicle": self.vehicle.pk if self.vehicle is not None and self.appointment is None else None,
            "service": self.service.pk if self.service is not None else None,
            "mechanic": self.mechanic.pk if self.mechanic is not None else None,
            "reschedule": self.appointment.pk if self.appointment is not None else None,
            "month": self.month.strftime("%Y-%m") if self.month is not None else None,
            "date": self.day.isoformat() if self.day is not None else None,
            "start": self.start.isoformat() if self.start is not None else None,
        }

    def url(self, step: str, **changes: Any) -> str:
        """The URL of `step` with the choices it needs; `changes` replace or add some (None drops one)."""
        values = {key: value for key, value in self._values().items() if key in STEP_KEYS[step]}
        values.update(changes)
        query = urlencode({key: str(value) for key, value in values.items() if value not in (None, "")})
        base = reverse(f"booking:{step}", args=[self.location.pk])
        return f"{base}?{query}" if query else base

    def hidden_fields(self, step: str, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The choices a GET form on this step must carry along."""
        values = self._values()
        return [
            (key, str(values[key]))
            for key in STEP_KEYS[step]
            if key not in without and values.get(key) not in (None, "")
        ]


def _rescheduled(request: HttpRequest, location: Location, pk: int) -> Appointment:
    """The client's appointment being moved: 404 if it is not theirs here, back to it if it may not move now."""
    appointment = selectors.get_appointment_for_user(request.user, pk)
    if appointment.location_id != location.pk:
        raise Http404
    if appointment.status not in CHANGEABLE_STATUSES:
        messages.error(request, _("This appointment can no longer be moved."))
        raise FlowRedirect(reverse("booking:done", args=[appointment.pk]))
    if services.too_late_to_change(actor=request.user, appointment=appointment, now=timezone.now()):
        messages.error(request, TOO_LATE)
        raise FlowRedirect(reverse("booking:done", args=[appointment.pk]))
    return appointment


def _require_earlier_steps(flow: Flow, step: str) -> None:
    if step != "vehicle" and flow.needs_vehicle and flow.vehicle is None:
        raise FlowRedirect(flow.url("vehicle"))
    if step in ("month", "day", "confirm") and flow.service is None:
        raise FlowRedirect(flow.url("service"))
    if step == "day" and flow.day is None:
        raise FlowRedirect(flow.url("month"))
    if step == "confirm" and flow.start is None:
        raise FlowRedirect(flow.url("day") if flow.day else flow.url("month"))


def read_flow(request: HttpRequest, location_pk: int, *, step: str) -> Flow:
    """The location and the well-formed choices in the query string, each fetched through permissions.

    Someone else's vehicle or appointment, or a service the location does not
    offer, is a 404; a choice that is missing sends the client to its step.
    """
    location = get_location_for_user(request.user, location_pk)
    data = ChoicesForm(request.GET).valid_data()
    flow = Flow(location=location, month=data.get("month"), day=data.get("date"), start=data.get("start"))
    if data.get("reschedule"):
        flow.appointment = _rescheduled(request, location, data["reschedule"])
        flow.service = flow.appointment.service
        flow.vehicle = flow.appointment.vehicle
    else:
        if location.is_automotive and data.get("vehicle"):
            flow.vehicle = get_vehicle_for_user(request.user, data["vehicle"])
        if data.get("service"):
            flow.service = get_visible_or_404(booking_selectors.services_at(request.user, location), data["service"])
    if flow.start is not None:
        flow.start = flow.start.astimezone(location.zone)
        flow.day = flow.start.date()
    if flow.service is not None and step in ("month", "day", "confirm"):
        flow.mechanics = booking_selectors.eligible_mechanics(location, flow.service)
        # A mechanic who is no longer eligible falls back to "any mechanic" rather than a dead end.
        flow.mechanic = next((m for m in flow.mechanics if m.pk == data.get("mechanic")), None)
    _require_earlier_steps(flow, step)
    return flow


def bookable_dates(location: Location, now: datetime) -> tuple[date, date]:
    """Today's local date and the last one the horizon allows."""
    today = now.astimezone(location.zone).date()
    return today, today + timedelta(days=location.booking_horizon_days)


def flow_slots(flow: Flow, first: date, last: date, now: datetime) -> list[availability.Slot]:
    """One availability read for local dates first..last: what the booking (or the move) would accept."""
    assert flow.service is not None
    mechanic_id = flow.mechanic.pk if flow.mechanic is not None else None
    if flow.appointment is not None:
        # A move keeps the duration and buffer it was booked with and ignores itself (rules 6 and 10).
        query = selectors.availability_query_for_move(
            flow.appointment, first_date=first, last_date=last, now=now, mechanic_id=mechanic_id
        )
        return availability.available_slots(query)
    return selectors.available_slots_for(
        location=flow.location,
        service=flow.service,
        first_date=first,
        last_date=last,
        now=now,
        mechanic_id=mechanic_id,
    )


def _steps(flow: Flow, current: str) -> list[dict[str, Any]]:
    """The progress bar: earlier steps link back, later ones are just labels."""
    if flow.appointment is not None:
        names = [("month", _("Day")), ("day", _("Time")), ("confirm", _("Confirm"))]
    else:
        names = [("start", _("Location"))]
        if flow.location.is_automotive:
            names.append(("vehicle", _("Vehicle")))
        names += [("service", _("Service")), ("month", _("Day")), ("day", _("Time")), ("confirm", _("Confirm"))]
    keys = [key for key, _label in names]
    position = keys.index(current)
    steps = []
    for index, (key, label) in enumerate(names):
        url = ""
        if index < position:
            url = reverse("booking:start") if key == "start" else flow.url(key)
        state = "done" if index < position else "current" if index == position else "todo"
        steps.append({"number": index + 1, "label": label, "state": state, "url": url})
    return steps


def step_context(flow: Flow, step: str, **extra: Any) -> dict[str, Any]:
    steps = _steps(flow, step)
    context: dict[str, Any] = {
        "flow": flow,
        "location": flow.location,
        "steps": steps,
        "step_count": len(steps),
        "current_step": next(s for s in steps if s["state"] == "current"),
        "change_vehicle_url": flow.url("vehicle") if flow.needs_vehicle else "",
        "change_service_url": flow.url("service") if flow.appointment is None else "",
        "change_location_url": reverse("booking:start") if flow.appointment is None else "",
    }
    context.update(extra)
    return context
