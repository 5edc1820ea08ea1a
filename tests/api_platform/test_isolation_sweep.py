"""The isolation sweep (issue 8): every route of the URL configuration, HTML and API, tried by the staff of the
other location and by another client against objects of `cast.location` and of `cast.client`.

The routes come from `get_resolver()`, not from a list: `RULES` says, for each route, how to fill its path
parameters with this location's and this client's objects, and what the intruders must get — a status (404 for
what they may not see, 403 for a role refused before any lookup), or `SCOPED` for a route that is public or about
the caller themselves (it may answer 2xx, but never with the data of the cast's client or location). A route
without a rule fails `test_every_route_has_a_rule`, so a new route must be added here.

Whatever the status, no answer may contain the cast's private data (`world.secrets`): the client's name, email,
phone, plate and VIN, the appointment's notes, the walk-in ticket's name and phone, the mechanic's time-off
reason. Searches ask for a part of a secret ("Reservada" for "Reservadaswp"), so the page echoing the query is
not a leak and a result showing the whole secret is. A 2xx where the rule does not say `SCOPED`, or a secret in
any body, is a leak. The counts are reported in pytest's summary (tests/sweep_summary.py: "isolation sweep: …") and
checked by `test_the_sweep_covers_every_route`.

WebSocket routes are not in the URL configuration; tests/walkins/test_live_consumers.py covers them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from autoagenda.billing.services import invoice_issue, payment_record
from autoagenda.inventory.services import stock_receive
from autoagenda.scheduling.models import Appointment, TimeOff
from tests.accounts.factories import ClientLocationFactory, ProfessionalApplicationFactory
from tests.catalog.factories import ServiceFactory
from tests.conftest import api_client_for, web_client_for
from tests.customers.factories import VehicleFactory
from tests.inventory.factories import ProductFactory
from tests.locations.factories import ClosureFactory
from tests.notifications.factories import DeliveryFactory, InAppNotificationFactory
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory
from tests.workorders.factories import LaborLineFactory, PartLineFactory, WorkOrderFactory

SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=SANTIAGO)
INTRUDERS = ("other_manager", "other_receptionist", "other_mechanic", "outsider")
STAFF_INTRUDERS = INTRUDERS[:3]
SCOPED = "scoped"  # may answer 2xx: public, or about the caller; never with the cast's data
HTML_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

Outcome = int | tuple[int, ...] | str
PerMethod = Outcome | Mapping[str, Outcome]


# --- The routes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern, e.g. "api/v1/vehicles/<id:pk>/"
    name: str

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(pattern=prefix + str(entry.pattern), name=name)


def resolved_routes() -> list[Route]:
    """Every route Django resolves, each pattern once (the walk-in desk actions share a name, not a pattern)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.pattern, route)
    return list(seen.values())


# --- The rules --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """The same route tried again with other parameters or a query string, e.g. the intruder's own desk searching
    for the cast's client (`own_location` is the intruder's location: the other one for staff)."""

    query: str
    params: Mapping[str, str] = field(default_factory=dict)
    staff: PerMethod = SCOPED
    client: PerMethod = SCOPED
    methods: tuple[str, ...] = ("GET",)


@dataclass(frozen=True)
class Rule:
    """How to try one route: path parameters (world keys or literal strings), methods, and the outcomes.

    `staff` is for the other location's manager, receptionist and mechanic, `client` for the other client; each is
    one outcome, a tuple of allowed statuses, `SCOPED`, or a mapping per method. 405 is always allowed for a
    method the route does not have.
    """

    params: Mapping[str, str] = field(default_factory=dict)
    staff: PerMethod = 404
    client: PerMethod = 404
    methods: tuple[str, ...] | None = None
    body: Callable[[Any], dict[str, Any]] | None = None
    variants: tuple[Variant, ...] = ()
    why: str = ""


def R(**kwargs: Any) -> Rule:
    return Rule(**kwargs)


PK = {"pk": "location"}
APPOINTMENT = {"pk": "appointment"}
VEHICLE = {"pk": "vehicle"}
DESK = {"pk": "desk"}
TICKET = {"pk": "ticket"}
QUEUE = {"pk": "queue"}
WORK_ORDER = {"pk": "work_order"}
STAFF = {"pk": "mechanic"}
LOCATION_ID = {"location_id": "location"}
PRODUCT = {"pk": "product"}
INVOICE = {"pk": "invoice"}
PUBLIC = R(staff=SCOPED, client=SCOPED, why="public: no login, nothing private")
SELF = R(staff=SCOPED, client=SCOPED, why="about the caller themselves")
# Collections answer 200 with what the caller may see; a POST is refused or creates the caller's own.
LIST = R(staff=SCOPED, client=SCOPED, why="a list scoped to the caller")

RULES: dict[str, Rule] = {
    # --- core
    "": PUBLIC,
    "health/": PUBLIC,
    "i18n/setlang/": PUBLIC,
    "jsi18n/": PUBLIC,
    "__errors__/<int:code>/": PUBLIC,
    # --- accounts (HTML)
    "accounts/login/": PUBLIC,
    "accounts/logout/": SELF,
    "accounts/signup/": PUBLIC,
    "accounts/profile/": SELF,
    "accounts/password/": SELF,
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/sent/": PUBLIC,
    "accounts/password/reset/<uidb64>/<token>/": R(
        params={"uidb64": "client_uid", "token": "set-password"}, staff=SCOPED, client=SCOPED, why="a bad token"
    ),
    "accounts/password/reset/complete/": PUBLIC,
    "accounts/users/": R(
        staff=SCOPED,
        client=403,
        variants=(Variant("q=Reservada", client=403), Variant("q=client%40example", client=403)),
        why="staff see the people of their locations",
    ),
    "accounts/users/new/": R(staff=SCOPED, client=403, why="the empty form; managers only"),
    "accounts/users/<id:pk>/": R(params={"pk": "client"}, staff=404, client=(403, 404)),
    "accounts/users/<id:pk>/deactivate/": R(params={"pk": "client"}, staff=(403, 404), client=(403, 404)),
    "accounts/apply/": SELF,
    "accounts/applications/": R(staff=403, client=SCOPED, why="an applicant's own"),
    "accounts/applications/<id:pk>/decide/": R(params={"pk": "application"}, staff=403, client=(403, 404)),
    # --- locations (HTML)
    "locations/": LIST,
    "locations/new/": R(staff=403, client=403),
    "locations/<id:pk>/": R(params=PK, client={"GET": SCOPED}, why="clients read a location's hours to book"),
    "locations/<id:pk>/edit/": R(params=PK, staff=404, client=(403, 404)),
    "locations/<id:pk>/hours/": R(params=PK, staff=404, client=(403, 404)),
    "locations/<id:pk>/hours/interval/": R(params=PK, staff=404, client=(403, 404)),
    "locations/<id:pk>/closures/": R(params=PK, staff=404, client=(403, 404)),
    "locations/<id:pk>/closures/<id:closure_id>/delete/": R(
        params={"pk": "location", "closure_id": "closure"}, staff=404, client=(403, 404)
    ),
    # --- catalog (HTML)
    "services/": LIST,
    "services/new/": R(staff=SCOPED, client=403, why="the empty form (managers); no data"),
    "services/<id:pk>/": R(params={"pk": "service"}, staff=404, client=(403, 404)),
    # --- stock (HTML)
    "stock/": R(staff=SCOPED, client=403, why="the products of the caller's own locations"),
    "stock/new/": R(staff=SCOPED, client=403, why="the empty form (managers: their own locations)"),
    "stock/low-stock/": R(
        staff=SCOPED,
        client=403,
        variants=(Variant("location={location}", staff=404, client=403),),
        why="the caller's first location; naming another one is 404",
    ),
    "stock/<id:pk>/": R(params=PRODUCT, staff=404, client=403),
    "stock/<id:pk>/edit/": R(params=PRODUCT, staff=404, client=403),
    "stock/<id:pk>/receive/": R(params=PRODUCT, staff=404, client=403),
    "stock/<id:pk>/adjust/": R(params=PRODUCT, staff=404, client=403),
    "stock/<id:pk>/transfer/": R(params=PRODUCT, staff=404, client=403),
    # --- vehicles (HTML)
    "vehicles/": R(
        staff=SCOPED, client=SCOPED, variants=(Variant("q=SWEEP0"), Variant("q=Reservada")), why="scoped list"
    ),
    "vehicles/new/": R(
        staff=SCOPED,
        client=SCOPED,
        variants=(Variant("owner={client}"),),
        why="the empty form; the owner is chosen by email (never prefilled with a client they do not serve)",
    ),
    "vehicles/decode-vin/": PUBLIC,
    "vehicles/<id:pk>/": R(params=VEHICLE),
    "vehicles/<id:pk>/delete/": R(params=VEHICLE),
    "vehicles/<id:pk>/archive/": R(params=VEHICLE),
    "vehicles/<id:pk>/restore/": R(params=VEHICLE),
    # --- staff hours (HTML)
    "staff/": R(staff=SCOPED, client=403, why="staff of the caller's locations"),
    "staff/<id:pk>/hours/": R(params=STAFF, staff=404, client=(403, 404)),
    "staff/<id:pk>/time-off/": R(params=STAFF, staff=404, client=(403, 404)),
    # --- client booking (HTML)
    "book/": R(staff=SCOPED, client=SCOPED, why="the locations on sale"),
    "book/<id:location>/vehicle/": R(params={"location": "location"}, staff=403, client=SCOPED, why="own vehicles"),
    "book/<id:location>/service/": R(params={"location": "location"}, staff=403, client=SCOPED, why="the catalog"),
    "book/<id:location>/month/": R(params={"location": "location"}, staff=403, client=SCOPED, why="free days"),
    "book/<id:location>/day/": R(params={"location": "location"}, staff=403, client=SCOPED, why="free times"),
    "book/<id:location>/confirm/": R(params={"location": "location"}, staff=403, client=SCOPED, why="own booking"),
    "book/appointments/": R(staff=403, client=SCOPED, why="the caller's own appointments"),
    "book/appointments/<id:pk>/": R(params=APPOINTMENT),
    "book/appointments/<id:pk>/calendar.ics": R(params=APPOINTMENT),
    "book/appointments/<id:pk>/cancel/": R(params=APPOINTMENT),
    "deposits/appointments/<id:pk>/pay/": R(params=APPOINTMENT),
    "deposits/appointments/<id:pk>/return/": R(params=APPOINTMENT),
    "deposits/fake-checkout/<str:session_id>/": R(
        params={"session_id": "fake_cs_unknown"}, why="the fake provider's page: an unguessable session token"
    ),
    # --- staff calendar (HTML)
    "calendar/": R(staff=SCOPED, client=403, why="redirects to the caller's own location"),
    "calendar/mine/": R(staff=SCOPED, client=403, why="the caller's own work"),
    "calendar/panel/close/": PUBLIC,
    "calendar/<id:location_id>/day/": R(params=LOCATION_ID, staff=404, client=403),
    "calendar/<id:location_id>/week/": R(params=LOCATION_ID, staff=404, client=403),
    "calendar/<id:location_id>/today/": R(params=LOCATION_ID, staff=404, client=403),
    "calendar/<id:location_id>/new/": R(
        params=LOCATION_ID,
        staff=404,
        client=403,
        variants=(
            Variant("client={client}", params={"location_id": "own_location"}, staff=404, client=403),
            Variant("q=Reservada", params={"location_id": "own_location"}, client=403),
        ),
    ),
    "calendar/<id:location_id>/new/clients/": R(
        params=LOCATION_ID,
        staff=404,
        client=403,
        variants=tuple(
            Variant(f"q={q}", params={"location_id": "own_location"}, client=403)
            for q in ("Reservada", "Clienta", "client%40example", "7777", "SWEEP", "SWEEP0")
        ),
        why="an intruder's own desk finds the cast's client by no part of their data",
    ),
    "calendar/<id:location_id>/new/slots/": R(
        params=LOCATION_ID,
        staff=404,
        client=403,
        variants=(Variant("client={client}", params={"location_id": "own_location"}, staff=404, client=403),),
    ),
    "calendar/appointments/<id:pk>/": R(params=APPOINTMENT),
    "calendar/appointments/<id:pk>/status/": R(params=APPOINTMENT),
    "calendar/appointments/<id:pk>/cancel/": R(params=APPOINTMENT),
    "calendar/appointments/<id:pk>/reassign/": R(params=APPOINTMENT),
    "calendar/appointments/<id:pk>/reschedule/": R(params=APPOINTMENT),
    # --- walk-in queue (HTML): staff business; a client is refused before any lookup
    "queue/": R(staff=SCOPED, client=403, why="the caller's own locations"),
    "queue/<id:location_id>/reception/": R(params=LOCATION_ID, client=403),
    "queue/<id:location_id>/desks/": R(params=LOCATION_ID, client=403),
    "queue/<id:location_id>/setup/": R(params=LOCATION_ID, client=403),
    "queue/<id:location_id>/queues/new/": R(params=LOCATION_ID, client=403),
    "queue/<id:location_id>/desks/new/": R(params=LOCATION_ID, client=403),
    "queue/queues/<id:pk>/edit/": R(params=QUEUE, client=403),
    "queue/desks/<id:pk>/": R(params=DESK, client=403),
    "queue/desks/<id:pk>/edit/": R(params=DESK, client=403),
    "queue/desks/<id:pk>/open/": R(params=DESK, client=403),
    "queue/desks/<id:pk>/close/": R(params=DESK, client=403),
    "queue/desks/<id:pk>/call-next/": R(params=DESK, client=403),
    **{
        f"queue/desks/<id:pk>/tickets/<id:ticket_id>/{action}/": R(
            params={"pk": "desk", "ticket_id": "ticket"}, client=403
        )
        for action in ("recall", "start", "finish", "no-show", "cancel", "transfer")
    },
    "queue/tickets/<id:pk>/": R(params=TICKET, client=403),
    "queue/locations/<id:location_id>/display/": R(
        params=LOCATION_ID, staff=SCOPED, client=SCOPED, why="the public screen: numbers, queues and desks only"
    ),
    # --- API: auth and people
    "api/v1/auth/token/": PUBLIC,
    "api/v1/auth/token/refresh/": PUBLIC,
    "api/v1/auth/logout/": SELF,
    "api/v1/auth/register/": PUBLIC,
    "api/v1/auth/password/": SELF,
    "api/v1/me/": SELF,
    "api/v1/staff/": R(
        staff={"GET": SCOPED, "POST": 403},
        client=403,
        variants=(Variant("location={location}", client=403), Variant("q=mechanic%40example.com", client=403)),
        body=lambda w: {
            "email": "new@example.com",
            "first_name": "N",
            "last_name": "N",
            "role": "mechanic",
            "locations": [w.location.pk],
            "password": "a-long-enough-password-1",
        },
    ),
    "api/v1/staff/<id:pk>/": R(params=STAFF, client=403),
    "api/v1/staff/<id:pk>/deactivate/": R(params=STAFF, client=403),
    "api/v1/professional-applications/": R(staff=403, client=SCOPED, why="an applicant's own"),
    "api/v1/professional-applications/<id:pk>/": R(params={"pk": "application"}, staff=403),
    "api/v1/professional-applications/<id:pk>/approve/": R(params={"pk": "application"}, staff=403, client=(403, 404)),
    "api/v1/professional-applications/<id:pk>/reject/": R(params={"pk": "application"}, staff=403, client=(403, 404)),
    # --- API: products and stock
    "api/v1/products/": R(staff=SCOPED, client=403, why="the products of their locations; a POST creates theirs"),
    "api/v1/products/<id:pk>/": R(params=PRODUCT, staff=404, client=403),
    "api/v1/products/<id:pk>/stock-moves/": R(params=PRODUCT, staff=404, client=403),
    "api/v1/products/<id:pk>/stock/": R(
        params=PRODUCT, staff=404, client=403, variants=(Variant("location={location}", staff=404, client=403),)
    ),
    "api/v1/locations/<id:pk>/low-stock/": R(params=PK, staff=404, client=403),
    # --- API: locations and catalog
    "api/v1/locations/": R(staff=SCOPED, client={"GET": SCOPED, "POST": 403}, why="staff: theirs; clients: on sale"),
    "api/v1/locations/<id:pk>/": R(params=PK, client={"GET": SCOPED, "PATCH": 403, "PUT": 403, "DELETE": 403}),
    "api/v1/locations/<id:pk>/opening-hours/": R(params=PK, client={"GET": SCOPED, "PUT": 403}),
    "api/v1/locations/<id:pk>/closures/": R(params=PK, client={"GET": SCOPED, "POST": 403}),
    "api/v1/locations/<id:pk>/closures/<id:closure_id>/": R(
        params={"pk": "location", "closure_id": "closure"}, client={"GET": SCOPED, "DELETE": 403, "PATCH": 403}
    ),
    "api/v1/locations/<id:pk>/holidays/": R(params=PK, client=SCOPED, why="public holidays"),
    "api/v1/services/": R(staff=SCOPED, client={"GET": SCOPED, "POST": 403}, why="the catalog"),
    "api/v1/services/<id:pk>/": R(params={"pk": "service"}, client={"GET": SCOPED, "PATCH": 403, "DELETE": 403}),
    # --- API: vehicles
    "api/v1/vehicles/": R(
        staff={"GET": SCOPED, "POST": (400, 403)},
        client={"GET": SCOPED, "POST": SCOPED},
        variants=(Variant("owner={client}"), Variant("plate=SWEEP0"), Variant("plate=SWEEP")),
        body=lambda w: {"owner": w.client.pk, "make": "Kia", "model": "Rio", "plate": "INTRUD1"},
        why="a list scoped to the caller; a client adds their own; staff may not name an owner they do not serve",
    ),
    "api/v1/vehicles/decode-vin/": PUBLIC,
    "api/v1/vehicles/<id:pk>/": R(params=VEHICLE),
    "api/v1/vehicles/<id:pk>/archive/": R(params=VEHICLE),
    "api/v1/vehicles/<id:pk>/restore/": R(params=VEHICLE),
    # --- API: staff hours
    "api/v1/staff/<id:pk>/working-hours/": R(params=STAFF, client=(403, 404)),
    "api/v1/staff/<id:pk>/time-off/": R(params=STAFF, client=(403, 404)),
    "api/v1/staff/<id:pk>/time-off/<id:tid>/": R(params={"pk": "mechanic", "tid": "time_off"}, client=(403, 404)),
    # --- API: availability and appointments
    "api/v1/locations/<id:pk>/availability/": R(params=PK, client=SCOPED, why="public slots"),
    "api/v1/appointments/": R(
        staff={"GET": SCOPED, "POST": (400, 404)},
        client={"GET": SCOPED, "POST": 400},
        variants=(Variant("location={location}"),),
        body=lambda w: {
            "location": w.location.pk,
            "service": w.service.pk,
            "start": "2026-12-01T10:00:00-03:00",
            "client": w.client.pk,
            "vehicle": w.vehicle.pk,
        },
        why="the caller's own; staff of another location may not book here nor for a client they do not serve",
    ),
    "api/v1/appointments/<id:pk>/": R(params=APPOINTMENT),
    "api/v1/appointments/<id:pk>/cancel/": R(params=APPOINTMENT),
    "api/v1/appointments/<id:pk>/reschedule/": R(params=APPOINTMENT),
    "api/v1/appointments/<id:pk>/status/": R(params=APPOINTMENT),
    "api/v1/appointments/<id:pk>/deposit/": R(params=APPOINTMENT),
    "api/v1/appointments/<id:pk>/deposit/checkout/": R(params=APPOINTMENT),
    "api/v1/payments/webhook/<str:provider>/": R(
        params={"provider": "fake"}, staff=400, client=400, why="anonymous: only a valid signature is accepted"
    ),
    # --- API: walk-in queue
    "api/v1/locations/<id:pk>/queues/": R(params=PK, client=403),
    "api/v1/locations/<id:pk>/desks/": R(params=PK, client=403),
    "api/v1/locations/<id:pk>/display/": R(params=PK, staff=SCOPED, client=SCOPED, why="the public screen"),
    "api/v1/queues/<id:pk>/": R(params=QUEUE, client=403),
    "api/v1/queues/<id:pk>/tickets/": R(params=QUEUE, client=403),
    "api/v1/desks/<id:pk>/": R(params=DESK, client=403),
    "api/v1/desks/<id:pk>/open/": R(params=DESK, client=403),
    "api/v1/desks/<id:pk>/close/": R(params=DESK, client=403),
    "api/v1/desks/<id:pk>/call-next/": R(params=DESK, client=403),
    "api/v1/tickets/": R(
        staff=SCOPED, client=403, variants=(Variant("location={location}", client=403),), why="the caller's locations"
    ),
    "api/v1/tickets/<id:pk>/": R(params=TICKET, client=403),
    **{
        f"api/v1/tickets/<id:pk>/{action}/": R(params=TICKET, client=403)
        for action in ("recall", "start", "finish", "no-show", "cancel", "transfer")
    },
    # --- notifications (HTML): the caller's own inbox; the outbox belongs to managers and admins
    "notifications/": SELF,
    "notifications/bell/": SELF,
    "notifications/read-all/": SELF,
    "notifications/<id:pk>/read/": R(params={"pk": "inbox_item"}),
    "notifications/<id:pk>/delete/": R(params={"pk": "inbox_item"}),
    "notifications/outbox/": R(
        staff=SCOPED,
        client=403,
        # The filter form refuses a location that is not among the caller's choices (400, as any form error).
        variants=(Variant("location={location}", staff=(400, 403, 404), client=403),),
        why="the deliveries of the caller's managed locations",
    ),
    "notifications/outbox/test/": R(staff=SCOPED, client=403, why="a test message to the caller themselves"),
    "notifications/outbox/<id:pk>/retry/": R(params={"pk": "delivery"}, staff=(403, 404), client=403),
    "notifications/calendar-feed/": SELF,
    "notifications/a/<str:token>/": R(
        params={"token": "not-a-signed-link"},
        why="a signed self-service link is the key: any other is the invalid page",
    ),
    r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$": R(
        params={"token": "not-the-clients-token-0000"}, why="the secret token is the key: any other is unknown"
    ),
    # --- API: notifications
    "api/v1/notifications/": SELF,
    "api/v1/notifications/read-all/": SELF,
    "api/v1/notifications/<id:pk>/": R(params={"pk": "inbox_item"}),
    "api/v1/notifications/<id:pk>/read/": R(params={"pk": "inbox_item"}),
    "api/v1/notifications/outbox/": R(
        staff=SCOPED,
        client=403,
        variants=(Variant("location={location}", staff=(403, 404), client=403),),
        why="the deliveries of the caller's managed locations",
    ),
    "api/v1/notifications/outbox/<id:pk>/retry/": R(params={"pk": "delivery"}, staff=(403, 404), client=403),
    "api/v1/me/calendar-feed/": SELF,
    "api/v1/me/calendar-feed/rotate/": SELF,
    # --- API: work orders (desk roles: their locations; mechanics: assigned to them; clients: their own)
    "api/v1/work-orders/": R(
        staff={"GET": SCOPED, "POST": 400},
        client={"GET": SCOPED, "POST": 400},
        body=lambda w: {"location": w.location.pk, "vehicle": w.vehicle.pk, "description": "x"},
        variants=(Variant("location={location}"), Variant("search=Reservada")),
        why="a list scoped to the caller; the body names this location's client's vehicle: 400 on its fields",
    ),
    "api/v1/work-orders/from-ticket/": R(
        staff=400, client=400, body=lambda w: {"ticket": w.ticket.pk, "description": "x"}, why="ticket not visible"
    ),
    **{
        f"api/v1/work-orders/<id:pk>/{tail}": R(params=WORK_ORDER)
        for tail in (
            "",
            "assign/",
            "status/",
            "labor/",
            "parts/",
            "comments/",
            "time-entries/",
            "estimates/",
            "pickup-call/",
        )
    },
    "api/v1/work-orders/<id:pk>/labor/<id:line>/": R(params={"pk": "work_order", "line": "labor_line"}),
    "api/v1/work-orders/<id:pk>/parts/<id:line>/": R(params={"pk": "work_order", "line": "part_line"}),
    **{
        f"api/v1/estimates/<str:token>/{tail}": R(
            params={"token": "not-the-clients-estimate-token"},
            staff=400,
            client=400,
            why="anonymous: the signed token is the key, any other is `link_invalid`",
        )
        for tail in ("", "decision/", "approve/", "decline/")
    },
    # --- work orders (HTML): the desk's pages of its locations, the mechanic's own jobs, the client's own
    "work-orders/": R(staff=SCOPED, client=SCOPED, why="redirects to the caller's own board or list"),
    "work-orders/mine/": R(staff=403, client=SCOPED, why="a client's own work orders"),
    "work-orders/estimate/<str:token>/": R(
        params={"token": "not-the-clients-estimate-token"},
        staff=400,
        client=400,
        why="anonymous: the signed token is the key, any other shows the clear `link_invalid` page",
    ),
    "work-orders/board/<id:location_id>/": R(params=LOCATION_ID, client=403),
    "work-orders/board/<id:location_id>/cards/<id:pk>/move/": R(
        params={"location_id": "location", "pk": "work_order"}, client=403
    ),
    "work-orders/mechanic/": R(staff=SCOPED, client=403, why="the caller's own jobs"),
    "work-orders/mechanic/history/": R(staff=SCOPED, client=403, why="the caller's own finished jobs"),
    **{
        f"work-orders/mechanic/<id:pk>/{action}/": R(params=WORK_ORDER, client=403)
        for action in ("start", "pause", "resume", "complete", "comment", "labor", "part")
    },
    "work-orders/new/<id:location_id>/": R(params=LOCATION_ID, client=403),
    "work-orders/new/<id:location_id>/clients/": R(params=LOCATION_ID, client=403),
    "work-orders/from-appointment/<id:pk>/": R(params=APPOINTMENT),
    "work-orders/from-ticket/<id:pk>/": R(params=TICKET),
    **{
        f"work-orders/<id:pk>/{tail}": R(params=WORK_ORDER)
        for tail in (
            "",
            "status/",
            "assign/",
            "labor/",
            "parts/",
            "products/",
            "comments/",
            "clock/",
            "estimate/",
            "pickup/",
        )
    },
    # --- billing: staff of the invoice's location, the client who owns it; everyone else 404
    "api/v1/invoices/": R(
        staff=SCOPED,
        client=SCOPED,
        variants=(Variant("location={location}"), Variant("work_order={work_order}"), Variant("status=unpaid")),
        why="a list scoped to the caller",
    ),
    **{f"api/v1/invoices/<id:pk>/{tail}": R(params=INVOICE) for tail in ("", "payments/", "cancel/", "pdf/")},
    "api/v1/invoices/<id:pk>/payments/<id:payment_pk>/void/": R(params={"pk": "invoice", "payment_pk": "payment"}),
    "invoices/": R(
        staff=SCOPED,
        client=SCOPED,
        variants=(Variant("location={location}"), Variant("status=unpaid")),
        why="the caller's own invoices, or their locations'",
    ),
    **{f"invoices/<id:pk>/{tail}": R(params=INVOICE) for tail in ("", "pdf/", "payments/", "cancel/")},
    "invoices/<id:pk>/payments/<id:payment_pk>/void/": R(params={"pk": "invoice", "payment_pk": "payment"}),
    # --- API schema and docs
    "api/schema/": PUBLIC,
    "api/docs/": PUBLIC,
}

# The Django admin (the back office) is all or nothing: only `is_staff` accounts get in, and no intruder has it.
# Its routes are generated per registered model, so one rule covers the prefix; each is still tried.
ADMIN_PREFIX = "backoffice/"
ADMIN_PUBLIC = {"backoffice/login/", "backoffice/logout/"}
ADMIN_MODELS = {
    "accounts/user": "client",
    "customers/vehicle": "vehicle",
    "accounts/clientlocation": "link",
    "scheduling/appointment": "appointment",
    "scheduling/timeoff": "time_off",
    "walkins/ticket": "ticket",
    "walkins/desk": "desk",
    "walkins/queue": "queue",
    "notifications/delivery": "delivery",
    "notifications/inappnotification": "inbox_item",
    "locations/location": "location",
    "locations/closure": "closure",
    "catalog/service": "service",
    "inventory/product": "product",
    "inventory/stockmove": "stock_move",
    "workorders/workorder": "work_order",
    "billing/invoice": "invoice",
    "billing/payment": "payment",
    "accounts/professionalapplication": "application",
}


def rule_for(route: Route) -> Rule | None:
    if route.pattern in RULES:
        return RULES[route.pattern]
    if route.pattern.startswith(ADMIN_PREFIX):
        if route.pattern in ADMIN_PUBLIC:
            return R(staff=SCOPED, client=SCOPED, why="the back office's own login page")
        return R(staff=302, client=302, why="the back office lets only is_staff accounts in (login redirect)")
    return None


# --- The world: what belongs to cast.location and cast.client -----------------------------------------------------


class World:
    def __init__(self, cast: Any) -> None:
        self.cast = cast
        self.location = cast.location
        client = cast.client
        client.first_name, client.last_name, client.phone = "Clienta", "Reservadaswp", "+56 9 7777 0101"
        client.save()
        self.client = client
        self.mechanic = cast.mechanic
        self.service = ServiceFactory(locations=[cast.location], name="Servicio de la casa")
        self.vehicle = VehicleFactory(owner=client, plate="SWEEP01", vin="1HGCM82633A004352", make="Seat")
        ClientLocationFactory(client=client, location=cast.location)
        self.link = client.served_at.get()
        self.appointment = AppointmentFactory(
            location=cast.location,
            service=self.service,
            client=client,
            mechanic=cast.mechanic,
            vehicle=self.vehicle,
            notes="Nota privada del taller swp",
            start=NOW + timedelta(days=1, hours=-2),
        )
        self.closure = ClosureFactory(
            location=cast.location, start=NOW + timedelta(days=3), end=NOW + timedelta(days=4)
        )
        self.time_off = TimeOff.objects.create(
            user=cast.mechanic, start=NOW + timedelta(days=5), end=NOW + timedelta(days=6), reason="Motivo privado swp"
        )
        self.product = ProductFactory(sku="SWP-SECRETO", name="Repuesto secreto swp", locations=[cast.location])
        self.stock_move = stock_receive(
            actor=cast.admin, product=self.product, location=cast.location, quantity=3, supplier="Proveedor swp"
        )
        self.queue = QueueFactory(location=cast.location, name="Recepción", prefix="A")
        self.desk = DeskFactory(location=cast.location, name="Mesón uno")
        self.ticket = TicketFactory(queue=self.queue, name="Persona en fila swp", phone="+56 9 6666 0202")
        self.application = ProfessionalApplicationFactory(user=client, location=cast.location)
        self.inbox_item = InAppNotificationFactory(user=client, title="Aviso privado swp", body="Aviso privado swp")
        self.work_order = WorkOrderFactory(
            location=cast.location, vehicle=self.vehicle, mechanic=cast.mechanic, description="Queja privada swp"
        )
        self.labor_line = LaborLineFactory(work_order=self.work_order, description="Trabajo privado swp")
        self.part_line = PartLineFactory(work_order=self.work_order, description="Repuesto privado swp")
        self.completed_work_order = WorkOrderFactory(
            location=cast.location, vehicle=self.vehicle, status="completed", description="Queja privada swp"
        )
        LaborLineFactory(work_order=self.completed_work_order, description="Trabajo privado swp")
        with transaction.atomic():
            self.invoice = invoice_issue(work_order=self.completed_work_order)
        self.payment = payment_record(actor=cast.admin, invoice=self.invoice, amount=1000, method="cash")
        self.delivery = DeliveryFactory(
            recipient=client, location=cast.location, status="failed", last_error="Fallo privado swp"
        )
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        self.client_uid = urlsafe_base64_encode(force_bytes(client.pk))
        self.secrets = (
            "Reservadaswp",
            "client@example.com",
            "+56 9 7777 0101",
            "SWEEP01",
            "1HGCM82633A004352",
            "Nota privada del taller swp",
            "Motivo privado swp",
            "Persona en fila swp",
            "+56 9 6666 0202",
            "Aviso privado swp",
            "Fallo privado swp",
            "Repuesto secreto swp",
            "SWP-SECRETO",
            "Proveedor swp",
            "Queja privada swp",
            "Trabajo privado swp",
            "Repuesto privado swp",
        )

    def value(self, key: str, who: str = "outsider") -> str:
        if key == "own_location":
            return str((self.cast.other_location if who in STAFF_INTRUDERS else self.location).pk)
        obj = getattr(self, key, None)
        if obj is None:
            return key  # a literal
        if isinstance(obj, str):
            return obj
        return str(obj.pk)


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_GROUP = re.compile(r"\([^)]*\)")


def path_for(route: Route, rule: Rule | Variant, world: World, who: str = "outsider") -> str:
    pattern = route.pattern.replace("^", "").replace("$", "")
    params = dict(rule.params)
    if pattern.startswith(ADMIN_PREFIX):
        model = "/".join(pattern[len(ADMIN_PREFIX) :].split("/")[:2])
        params.setdefault("object_id", ADMIN_MODELS.get(model, "1"))
        params.setdefault("app_label", "customers")
        params.setdefault("url", "customers/vehicle/")
        params.setdefault("id", ADMIN_MODELS.get(model, "1"))
    params.setdefault("code", "404")

    def named(match: re.Match[str]) -> str:
        return world.value(params.get(match.group(1), "1"), who)

    path = _CONVERTER.sub(named, pattern)
    path = _NAMED_GROUP.sub(named, path)
    positional = iter([world.value(params.get("object_id", "1")), "1", "1"])
    path = _GROUP.sub(lambda m: next(positional), path)
    if isinstance(rule, Variant):
        query = re.sub(r"\{(\w+)\}", lambda m: world.value(m.group(1), who), rule.query)
        path = f"{path}?{query}"
    return "/" + path


def outcome(rule: Rule | Variant, who: str, method: str) -> Outcome:
    chosen = rule.client if who == "outsider" else rule.staff
    if isinstance(chosen, Mapping):
        return chosen.get(method, 405)
    return chosen


@dataclass
class Tally:
    routes: int = 0
    attempts: int = 0
    leaks: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _try(client: Any, method: str, path: str, body: dict[str, Any] | None, is_api: bool) -> Any:
    call = getattr(client, method.lower())
    if is_api:
        return call(path, body or {}, format="json") if method != "GET" else call(path)
    return call(path, body or {}) if method == "POST" else call(path)


def methods_for(route: Route, rule: Rule | Variant) -> tuple[str, ...]:
    return rule.methods or (API_METHODS if route.is_api else HTML_METHODS)


def tries(route: Route, rule: Rule) -> list[tuple[Rule | Variant, str]]:
    """(rule or variant, method) pairs for one route, each tried by every intruder."""
    return [(r, m) for r in (rule, *rule.variants) for m in methods_for(route, r)]


def planned_attempts(routes: list[Route]) -> int:
    return sum(len(tries(r, rule)) * len(INTRUDERS) for r in routes if (rule := rule_for(r)) is not None)


def sweep(world: World, routes: list[Route]) -> Tally:
    tally = Tally()
    apis = {who: api_client_for(getattr(world.cast, who)) for who in INTRUDERS}
    for route in routes:
        rule = rule_for(route)
        assert rule is not None, route.pattern
        tally.routes += 1
        for who in INTRUDERS:
            for attempt, method in tries(route, rule):
                path = path_for(route, attempt, world, who)
                body = rule.body(world) if rule.body and method == "POST" and attempt is rule else None
                sid = transaction_savepoint()
                try:
                    # A fresh login for every page: the logout routes would end a shared session.
                    caller = apis[who] if route.is_api else web_client_for(getattr(world.cast, who))
                    response = _try(caller, method, path, body, route.is_api)
                finally:
                    transaction_rollback(sid)
                tally.attempts += 1
                expected = outcome(attempt, who, method)
                status = response.status_code
                content = b"" if getattr(response, "streaming", False) else response.content
                text = content.decode("utf-8", "replace").lower()
                where = f"{who} {method} {path} → {status}"
                found = [secret for secret in world.secrets if secret.lower() in text]
                if found:
                    tally.leaks.append(f"{where}: shows {found}")
                if 200 <= status < 300 and expected != SCOPED:
                    tally.leaks.append(f"{where}: expected {expected}")
                    continue
                if expected == SCOPED:
                    continue
                allowed = (expected,) if isinstance(expected, int) else expected
                if status not in (*allowed, 405):
                    tally.mismatches.append(f"{where}: expected {expected}")
    return tally


def transaction_savepoint() -> str:
    from django.db import transaction

    return transaction.savepoint()


def transaction_rollback(sid: str) -> None:
    """Each attempt is undone, so one intruder's successful POST (a scoped one) cannot change what the next sees."""
    from django.db import transaction

    transaction.savepoint_rollback(sid)


# --- The tests --------------------------------------------------------------------------------------------------


ROUTES = resolved_routes()


def test_every_route_has_a_rule():
    missing = [route.pattern for route in ROUTES if rule_for(route) is None]
    assert not missing, "routes without a rule in tests/api_platform/test_isolation_sweep.py: " + ", ".join(missing)


def test_no_rule_names_a_route_that_does_not_exist():
    patterns = {route.pattern for route in ROUTES}
    stale = sorted(set(RULES) - patterns)
    assert not stale, f"rules for routes that are gone: {stale}"


@pytest.fixture
def world(cast: Any) -> Iterator[World]:
    with time_machine.travel(NOW, tick=False):
        yield World(cast)


def test_no_route_shows_another_locations_or_clients_data(world, record_property):
    routes = [route for route in ROUTES if rule_for(route) is not None]
    with time_machine.travel(NOW, tick=False):
        tally = sweep(world, routes)
    record_property(
        "isolation_sweep",
        {"resolved": len(ROUTES), "routes": tally.routes, "attempts": tally.attempts, "leaks": len(tally.leaks)},
    )
    assert tally.routes == len(ROUTES)
    assert tally.attempts == planned_attempts(ROUTES)
    assert not tally.leaks, "leaks:\n" + "\n".join(tally.leaks)
    assert not tally.mismatches, "answers the rules do not expect:\n" + "\n".join(tally.mismatches)
    assert Appointment.objects.get(pk=world.appointment.pk).status == "confirmed"  # nothing stuck


def test_the_sweep_covers_every_route():
    """Every resolved route is tried by every intruder with at least GET and POST (the count the lead quotes)."""
    covered = [route for route in ROUTES if rule_for(route) is not None]
    assert len(covered) >= len(ROUTES) > 250
    assert planned_attempts(covered) >= len(ROUTES) * len(INTRUDERS) * len(HTML_METHODS)
