"""JSON API of the walk-in queue (API.md, "Walk-in queue"): thin views over the walkins services and selectors.

Every endpoint but the public display is staff business: a client gets 403, staff of another location 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service
from autoagenda.core import bounds
from autoagenda.core.api import error_responses
from autoagenda.core.api_fields import BoundedDateField
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import get_location_for_display
from autoagenda.walkins import selectors, services
from autoagenda.walkins.models import Desk, Queue, Ticket, TicketStatus
from autoagenda.walkins.permissions import (
    can_use_walkins,
    get_desk_for_user,
    get_queue_for_user,
    get_ticket_for_user,
    get_walkins_location_for_user,
    tickets_visible_to,
)

MAX_ID = bounds.ID_MAX


def _ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)


def _local(value: Any, location: Location) -> str | None:
    return selectors.local_iso(value, location) if value is not None else None


def _validated(
    serializer_class: type[serializers.Serializer[Any]], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """`data` (a body or a query string) as `serializer_class` reads it; a 400 with the field errors otherwise."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Serializers --------------------------------------------------------------------------


class QueueSerializer(serializers.ModelSerializer[Queue]):
    location = serializers.IntegerField(source="location_id", read_only=True)
    services: serializers.PrimaryKeyRelatedField[Service] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Queue
        fields = ("id", "location", "name", "prefix", "services", "is_active", "position")
        read_only_fields = fields


class QueueWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=80)
    prefix = serializers.CharField(max_length=1, help_text=_("One letter, A–Z (lower case is made upper case)."))
    services = _ids(required=False, help_text=_("Services whose checked-in appointments join this queue."))
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = serializers.BooleanField(required=False)


class DeskSerializer(serializers.ModelSerializer[Desk]):
    location = serializers.IntegerField(source="location_id", read_only=True)
    queues: serializers.PrimaryKeyRelatedField[Queue] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    agent = serializers.IntegerField(source="agent_id", read_only=True, allow_null=True)
    opened_at = serializers.SerializerMethodField()

    class Meta:
        model = Desk
        fields = ("id", "location", "name", "queues", "is_active", "agent", "opened_at")
        read_only_fields = fields

    def get_opened_at(self, desk: Desk) -> str | None:
        return _local(desk.opened_at, desk.location)


class DeskWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60)
    queues = _ids(required=False, help_text=_("Empty: the desk serves every queue of its location."))
    is_active = serializers.BooleanField(required=False)


class TicketSerializer(serializers.ModelSerializer[Ticket]):
    """A ticket; `position` (1 = next) and `estimated_wait_minutes` are null unless it is waiting."""

    number = serializers.CharField(source="code", read_only=True, help_text=_("Like A-001."))
    location = serializers.IntegerField(source="location_id", read_only=True)
    queue = serializers.IntegerField(source="queue_id", read_only=True)
    desk = serializers.IntegerField(source="desk_id", read_only=True, allow_null=True)
    desk_name = serializers.SerializerMethodField()
    customer = serializers.IntegerField(source="customer_id", read_only=True, allow_null=True)
    appointment = serializers.IntegerField(source="appointment_id", read_only=True, allow_null=True)
    position = serializers.SerializerMethodField()
    estimated_wait_minutes = serializers.SerializerMethodField()
    issued_at = serializers.SerializerMethodField()
    called_at = serializers.SerializerMethodField()
    started_at = serializers.SerializerMethodField()
    finished_at = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = (
            "id",
            "number",
            "status",
            "position",
            "estimated_wait_minutes",
            "location",
            "queue",
            "prefix",
            "local_date",
            "priority",
            "name",
            "phone",
            "plate",
            "customer",
            "appointment",
            "desk",
            "desk_name",
            "issued_at",
            "called_at",
            "started_at",
            "finished_at",
            "recall_count",
        )
        read_only_fields = fields

    def get_desk_name(self, ticket: Ticket) -> str | None:
        return ticket.desk.name if ticket.desk is not None else None

    def get_position(self, ticket: Ticket) -> int | None:
        positions: dict[int, int] = self.context["positions"]
        return positions.get(ticket.pk)

    def get_estimated_wait_minutes(self, ticket: Ticket) -> int | None:
        estimates: _Estimates = self.context["estimates"]
        position = self.get_position(ticket)
        return None if position is None else estimates.minutes(ticket.queue, position - 1)

    def get_issued_at(self, ticket: Ticket) -> str | None:
        return _local(ticket.issued_at, ticket.location)

    def get_called_at(self, ticket: Ticket) -> str | None:
        return _local(ticket.called_at, ticket.location)

    def get_started_at(self, ticket: Ticket) -> str | None:
        return _local(ticket.started_at, ticket.location)

    def get_finished_at(self, ticket: Ticket) -> str | None:
        return _local(ticket.finished_at, ticket.location)


class _Estimates:
    """Median and open desks read once per queue for a whole page of tickets."""

    def __init__(self) -> None:
        self._by_queue: dict[int, tuple[float, int]] = {}

    def minutes(self, queue: Queue, people_ahead: int) -> int:
        if queue.pk not in self._by_queue:
            self._by_queue[queue.pk] = (selectors.median_service_minutes(queue), selectors.open_desk_count(queue))
        median, desks = self._by_queue[queue.pk]
        return selectors.wait_minutes(median, people_ahead, desks)


def _ticket_data(tickets: Iterable[Ticket]) -> Any:
    rows = list(tickets)
    context = {"positions": selectors.positions_for(rows), "estimates": _Estimates()}
    return TicketSerializer(rows, many=True, context=context).data


def _ticket_answer(ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    fresh = Ticket.objects.select_related("location", "queue__location", "desk").get(pk=ticket.pk)
    return Response(_ticket_data([fresh])[0], status=code)


class TicketIssueSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    plate = serializers.CharField(required=False, allow_blank=True, max_length=16)
    priority = serializers.BooleanField(required=False, help_text=_("Goes before ordinary tickets."))


class CallNextSerializer(serializers.Serializer[Any]):
    queues = _ids(
        required=False, allow_empty=False, help_text=_("Only these of the desk's queues; default: all of them.")
    )


class TransferSerializer(serializers.Serializer[Any]):
    queue = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class DisplayCallSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    queue = serializers.IntegerField()
    queue_name = serializers.CharField()
    desk = serializers.CharField(help_text=_("The desk's name."))
    at = serializers.DateTimeField()


class DisplayWaitingSerializer(serializers.Serializer[Any]):
    queue = serializers.IntegerField()
    prefix = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    estimated_wait_minutes = serializers.IntegerField()


class DisplaySerializer(serializers.Serializer[Any]):
    seq = serializers.IntegerField(help_text=_("Grows with every change; a screen ignores older states."))
    current = DisplayCallSerializer(allow_null=True)
    recent = DisplayCallSerializer(many=True, help_text=_("Up to 6 earlier calls, newest first."))
    waiting = DisplayWaitingSerializer(many=True)


# --- Lookups of ids named in a body -------------------------------------------------------


def _services_at(location: Location, ids: list[int]) -> list[Service]:
    found = list(location.services.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"services": [_("Choose services offered at this location.")]})
    return found


def _queues_at(location_id: int, ids: list[int], field: str = "queues") -> list[Queue]:
    found = list(Queue.objects.filter(location_id=location_id, pk__in=ids).select_related("location"))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({field: [_("Choose queues of this location.")]})
    return found


# --- Queues -------------------------------------------------------------------------------


class LocationQueuesView(GenericAPIView[Queue]):
    serializer_class = QueueSerializer

    @extend_schema(
        summary="The queues of a location (staff of the location)",
        responses={200: QueueSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_walkins_location_for_user(request.user, pk)
        rows = selectors.queues_of(location).prefetch_related("services")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(QueueSerializer(page, many=True).data)

    @extend_schema(
        summary="Open a queue (admins, the location's managers)",
        description="`prefix` is one letter A–Z, unique at the location; tickets read `A-001`.",
        request=QueueWriteSerializer,
        responses={201: QueueSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        location = get_walkins_location_for_user(request.user, pk, manage=True)
        values = _validated(QueueWriteSerializer, request.data)
        values.pop("is_active", None)
        values["services"] = _services_at(location, values.get("services", []))
        queue = services.queue_create(actor=request.user, location=location, **values)
        return Response(QueueSerializer(queue).data, status=status.HTTP_201_CREATED)


class QueueDetailView(APIView):
    serializer_class = QueueSerializer

    @extend_schema(summary="Read a queue", responses={200: QueueSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(QueueSerializer(get_queue_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Change a queue (admins, the location's managers)",
        request=QueueWriteSerializer,
        responses={200: QueueSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        queue = get_queue_for_user(request.user, pk, manage=True)
        values = _validated(QueueWriteSerializer, request.data, partial=True)
        if "services" in values:
            values["services"] = _services_at(queue.location, values["services"])
        queue = services.queue_update(actor=request.user, queue=queue, **values)
        return Response(QueueSerializer(queue).data)


class QueueTicketsView(GenericAPIView[Ticket]):
    serializer_class = TicketSerializer

    @extend_schema(
        summary="The tickets of a queue, newest first (staff of the location)",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=TicketStatus.values, description="Only this status."),
            OpenApiParameter("date", OpenApiTypes.DATE, description="Only this local date."),
        ],
        responses={200: TicketSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        queue = get_queue_for_user(request.user, pk)
        filters = _validated(TicketFilterSerializer, request.query_params)
        rows = selectors.tickets_filtered(
            tickets_visible_to(request.user),
            queue_id=queue.pk,
            status=filters.get("status"),
            local_date=filters.get("date"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(_ticket_data(page or []))

    @extend_schema(
        summary="Issue a ticket (receptionists, managers, admins of the location)",
        description="Numbers like `A-001` restart daily (the location's local date) per letter. "
        "`position` is 1-based (1 = next).",
        request=TicketIssueSerializer,
        responses={201: TicketSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        queue = get_queue_for_user(request.user, pk, issue=True)
        values = _validated(TicketIssueSerializer, request.data)
        ticket = services.ticket_issue(actor=request.user, queue=queue, **values)
        return _ticket_answer(ticket, status.HTTP_201_CREATED)


# --- Desks --------------------------------------------------------------------------------


class LocationDesksView(GenericAPIView[Desk]):
    serializer_class = DeskSerializer

    @extend_schema(
        summary="The desks of a location (staff of the location)",
        responses={200: DeskSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_walkins_location_for_user(request.user, pk)
        rows = selectors.desks_of(location).select_related("location").prefetch_related("queues")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DeskSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a desk (admins, the location's managers)",
        description="`queues` empty or left out: the desk serves every queue of the location.",
        request=DeskWriteSerializer,
        responses={201: DeskSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        location = get_walkins_location_for_user(request.user, pk, manage=True)
        values = _validated(DeskWriteSerializer, request.data)
        values.pop("is_active", None)
        values["queues"] = _queues_at(location.pk, values.get("queues", []))
        desk = services.desk_create(actor=request.user, location=location, **values)
        return Response(DeskSerializer(desk).data, status=status.HTTP_201_CREATED)


class DeskDetailView(APIView):
    serializer_class = DeskSerializer

    @extend_schema(summary="Read a desk", responses={200: DeskSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(DeskSerializer(get_desk_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Change a desk (admins, the location's managers)",
        request=DeskWriteSerializer,
        responses={200: DeskSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        desk = get_desk_for_user(request.user, pk, manage=True)
        values = _validated(DeskWriteSerializer, request.data, partial=True)
        if "queues" in values:
            values["queues"] = _queues_at(desk.location_id, values["queues"])
        desk = services.desk_update(actor=request.user, desk=desk, **values)
        return Response(DeskSerializer(desk).data)


class DeskOpenView(APIView):
    serializer_class = DeskSerializer

    @extend_schema(
        summary="Sit at a desk (any staff member of the location)",
        description="The caller leaves any other desk; a colleague sitting here is replaced.",
        request=None,
        responses={200: DeskSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        desk = get_desk_for_user(request.user, pk, operate=True)
        return Response(DeskSerializer(services.desk_open(actor=request.user, desk=desk)).data)


class DeskCloseView(APIView):
    serializer_class = DeskSerializer

    @extend_schema(
        summary="Leave a desk (any staff member of the location)",
        request=None,
        responses={200: DeskSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        desk = get_desk_for_user(request.user, pk, operate=True)
        return Response(DeskSerializer(services.desk_close(actor=request.user, desk=desk)).data)


class DeskCallNextView(APIView):
    serializer_class = CallNextSerializer

    @extend_schema(
        summary="Call the next person to this desk (staff of the location)",
        description="Finishes the desk's current ticket, then calls the first waiting ticket of the desk's queues "
        "(or of `queues`): checked-in booked clients first, then the oldest. Two desks calling at once never get "
        "the same ticket. 204 when nobody waits.",
        request=CallNextSerializer,
        responses={
            200: TicketSerializer,
            204: OpenApiResponse(description="Nobody waits."),
            **error_responses(400, 401, 403, 404, 409),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        desk = get_desk_for_user(request.user, pk, operate=True)
        ids = _validated(CallNextSerializer, request.data).get("queues")
        queues = _queues_at(desk.location_id, ids) if ids is not None else None
        ticket = services.ticket_call_next(actor=request.user, desk=desk, queues=queues)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _ticket_answer(ticket)


# --- Tickets ------------------------------------------------------------------------------


class TicketFilterSerializer(serializers.Serializer[Any]):
    location = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    queue = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    desk = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)
    date = BoundedDateField(required=False, help_text=_("The location's local date."))


class TicketListView(GenericAPIView[Ticket]):
    serializer_class = TicketSerializer

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_visible_to(self.request.user)

    @extend_schema(
        summary="Tickets the caller may see (staff: their locations), newest first",
        parameters=[
            OpenApiParameter("location", OpenApiTypes.INT),
            OpenApiParameter("queue", OpenApiTypes.INT),
            OpenApiParameter("desk", OpenApiTypes.INT),
            OpenApiParameter("status", OpenApiTypes.STR, enum=TicketStatus.values),
            OpenApiParameter("date", OpenApiTypes.DATE, description="The location's local date."),
        ],
        responses={200: TicketSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        require(can_use_walkins(request.user))
        data = _validated(TicketFilterSerializer, request.query_params)
        rows = selectors.tickets_filtered(
            self.get_queryset(),
            location_id=data.get("location"),
            queue_id=data.get("queue"),
            desk_id=data.get("desk"),
            status=data.get("status"),
            local_date=data.get("date"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(_ticket_data(page or []))


class TicketDetailView(APIView):
    serializer_class = TicketSerializer

    @extend_schema(summary="Read a ticket", responses={200: TicketSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return _ticket_answer(get_ticket_for_user(request.user, pk))


_ACTIONS = {
    "recall": (services.ticket_recall, "Call the person again (the screen shows it with `recall: true`)"),
    "start": (services.ticket_start, "The called person is at the desk: service starts"),
    "finish": (services.ticket_finish, "Done"),
    "no-show": (services.ticket_no_show, "The called person did not come"),
    "cancel": (services.ticket_cancel, "Cancel the ticket"),
}


def _action_view(action: str) -> type[APIView]:
    service, summary = _ACTIONS[action]

    class TicketActionView(APIView):
        serializer_class = TicketSerializer

        @extend_schema(
            summary=f"{summary} (staff of the location)",
            description="A move its status does not allow is 409 `invalid_transition`.",
            request=None,
            responses={200: TicketSerializer, **error_responses(401, 403, 404, 409)},
            operation_id=f"walkins_ticket_{action.replace('-', '_')}",
        )
        def post(self, request: Request, pk: int) -> Response:
            ticket = get_ticket_for_user(request.user, pk, operate=True)
            return _ticket_answer(service(actor=request.user, ticket=ticket))

    TicketActionView.__name__ = TicketActionView.__qualname__ = f"Ticket{action.title().replace('-', '')}View"
    return TicketActionView


TicketRecallView = _action_view("recall")
TicketStartView = _action_view("start")
TicketFinishView = _action_view("finish")
TicketNoShowView = _action_view("no-show")
TicketCancelView = _action_view("cancel")


class TicketTransferView(APIView):
    serializer_class = TransferSerializer

    @extend_schema(
        summary="Send the person to another queue of the location (staff of the location)",
        description="Keeps the number and the issue time; the ticket waits in `queue` again.",
        request=TransferSerializer,
        responses={200: TicketSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = get_ticket_for_user(request.user, pk, operate=True)
        wanted = _validated(TransferSerializer, request.data)["queue"]
        queue = _queues_at(ticket.location_id, [wanted], field="queue")[0]
        return _ticket_answer(services.ticket_transfer(actor=request.user, ticket=ticket, queue=queue))


# --- The public display -------------------------------------------------------------------


class DisplayView(APIView):
    """What a location's public screen shows; anyone may read it (no names of people in it)."""

    permission_classes = (AllowAny,)
    serializer_class = DisplaySerializer

    @extend_schema(
        summary="The public display state of a location (anonymous)",
        description="`current` is today's newest call; `recent` up to 6 earlier calls, newest first; `waiting` "
        "per active queue. The WebSocket `/ws/locations/{id}/display/` sends the same state after every change, "
        'and `{"type": "ticket.called", "number", "desk", "at", "recall"}` on each call.',
        responses={200: DisplaySerializer, **error_responses(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_display(pk)
        return Response(selectors.display_state(location.pk))
