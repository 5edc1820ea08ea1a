"""JSON API of the walk-in queue (API.md, "Walk-in queue"): thin views over the walkins services and selectors.

Every endpoint is staff business: a client gets 403, staff of another location 404. The public display's own
JSON is display/api.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.permissions import require
from autoagenda.catalog.models import Service
from autoagenda.core import bounds
from autoagenda.core.api import error_responses, validated
from autoagenda.core.api_fields import BoundedDateField
from autoagenda.locations.models import Location
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


def ids_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)


def _local(value: Any, location: Location) -> str | None:
    return selectors.local_iso(value, location) if value is not None else None


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
    services = ids_field(required=False, help_text=_("Services whose checked-in appointments join this queue."))
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
    queues = ids_field(required=False, help_text=_("Empty: the desk serves every queue of its location."))
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
        estimates: selectors.WaitEstimates = self.context["estimates"]
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


def _ticket_data(tickets: Iterable[Ticket]) -> Any:
    rows = list(tickets)
    context = {"positions": selectors.positions_for(rows), "estimates": selectors.WaitEstimates()}
    return TicketSerializer(rows, many=True, context=context).data


def ticket_answer(ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.ticket_for_answer(ticket.pk)
    return Response(_ticket_data([fresh])[0], status=code)


class TicketIssueSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    plate = serializers.CharField(required=False, allow_blank=True, max_length=16)
    priority = serializers.BooleanField(required=False, help_text=_("Goes before ordinary tickets."))


# --- Lookups of ids named in a body -------------------------------------------------------


def _services_at(location: Location, ids: list[int]) -> list[Service]:
    found = selectors.services_offered_at(location, ids)
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"services": [_("Choose services offered at this location.")]})
    return found


def queues_at(location_id: int, ids: list[int], field: str = "queues") -> list[Queue]:
    found = selectors.queues_named(location_id, ids)
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
        values = validated(QueueWriteSerializer, request)
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
        values = validated(QueueWriteSerializer, request, partial=True)
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
        filters = validated(TicketFilterSerializer, request, request.query_params)
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
        values = validated(TicketIssueSerializer, request)
        ticket = services.ticket_issue(actor=request.user, queue=queue, **values)
        return ticket_answer(ticket, status.HTTP_201_CREATED)


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
        values = validated(DeskWriteSerializer, request)
        values.pop("is_active", None)
        values["queues"] = queues_at(location.pk, values.get("queues", []))
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
        values = validated(DeskWriteSerializer, request, partial=True)
        if "queues" in values:
            values["queues"] = queues_at(desk.location_id, values["queues"])
        desk = services.desk_update(actor=request.user, desk=desk, **values)
        return Response(DeskSerializer(desk).data)


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
        data = validated(TicketFilterSerializer, request, request.query_params)
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
        return ticket_answer(get_ticket_for_user(request.user, pk))
