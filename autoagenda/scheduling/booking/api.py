"""JSON API for availability and appointments (API.md, "Availability and bookings").

Thin on purpose: the serializers check the shape of the input, `permissions` decides what the caller may see,
and every rule about what is bookable lives in the engine the selectors and services share. A slot the
availability answer offers is exactly a start the booking service accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import get_user_for_user, require
from autoagenda.catalog.models import Service
from autoagenda.catalog.permissions import get_service_for_user
from autoagenda.core.api import error_responses
from autoagenda.core.api_fields import AwareDateTimeField, BoundedDateField, IdField
from autoagenda.core.timeutils import isoformat_in
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import get_vehicle_for_user
from autoagenda.locations.models import Location
from autoagenda.locations.permissions import get_location_for_user
from autoagenda.scheduling import selectors, services
from autoagenda.scheduling.models import Appointment, AppointmentStatus
from autoagenda.scheduling.permissions import can_set_appointment_status, get_mechanic_for_booking

T = TypeVar("T")
StrOrPromise = str | Promise

# Rule 12: `to - from` is at most 61 days (62 dates).
MAX_RANGE_DAYS = 61
STAFF_STATUSES = (
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.IN_PROGRESS,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return IdField(**kwargs)


# A start with its UTC offset, within 2000–2100 (core.bounds).
BookingStartField = AwareDateTimeField


def _check_date_order(attrs: dict[str, Any]) -> None:
    if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
        raise serializers.ValidationError({"to": [_("The end date must not be before the start date.")]})


class _FromToMixin:
    """`from` is a Python keyword: the serializer declares `from_` and renames it."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        fields["from"] = fields.pop("from_")
        return fields


def _local(moment: datetime, zone: ZoneInfo) -> str:
    """RFC 3339 with the zone's real offset at that instant (rule 9)."""
    return isoformat_in(moment, zone)


# --- Availability -----------------------------------------------------------


class AvailabilityFilterSerializer(_FromToMixin, serializers.Serializer):
    service = _id_field(help_text=_("The service to book; it must be offered at the location."))
    from_ = BoundedDateField(help_text=_("First local date, inclusive."))
    to = BoundedDateField(help_text=_("Last local date, inclusive; at most 61 days after `from`."))
    mechanic = _id_field(required=False, help_text=_("Only slots where this mechanic is eligible and free."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_date_order(attrs)
        if (attrs["to"] - attrs["from"]).days > MAX_RANGE_DAYS:
            raise serializers.ValidationError({"to": [_("Ask for at most 62 days at a time.")]})
        service = selectors.offered_service(self.context["location"], attrs["service"], self.context["versions"])
        if service is None:
            raise serializers.ValidationError({"service": [_("This service is not offered at this location.")]})
        attrs["service"] = service
        return attrs


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text=_("With the location's UTC offset at that instant."))
    end = serializers.DateTimeField(help_text=_("start + duration on the real timeline."))
    mechanics = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Free eligible mechanics, ascending; empty when none is needed.")
    )


class AvailabilitySerializer(serializers.Serializer):
    location = serializers.IntegerField()
    service = serializers.IntegerField()
    timezone = serializers.CharField(help_text=_("The location's IANA zone, e.g. America/Santiago."))
    slots = SlotSerializer(many=True)


class AvailabilityView(APIView):
    """Bookable slots: anyone may ask, so a visitor can choose a time before signing up."""

    permission_classes = (AllowAny,)
    serializer_class = AvailabilitySerializer

    @extend_schema(
        summary="Bookable slots of a service at a location",
        description=(
            "A slot appears only if booking it right now would succeed. `to` is inclusive and at most 61 days "
            "after `from`; timestamps carry the location's own UTC offset."
        ),
        parameters=[
            OpenApiParameter("service", OpenApiTypes.INT, required=True, description="The service to book."),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First local date, inclusive."),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last local date, inclusive."),
            OpenApiParameter("mechanic", OpenApiTypes.INT, description="Only this mechanic's free slots."),
        ],
        responses={200: AvailabilitySerializer, **error_responses(400, 404)},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        location, known = selectors.availability_location(request.user, pk)  # one query: the version counters
        filters = AvailabilityFilterSerializer(
            data=request.query_params, context={"location": location, "versions": known}
        )
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        body = selectors.availability_json(
            location=location,
            service=data["service"],
            first_date=data["from"],
            last_date=data["to"],
            mechanic_id=data.get("mechanic"),
            now=timezone.now(),
            known=known,
        )
        return HttpResponse(body.encode(), content_type="application/json")


# --- Appointments: serializers ----------------------------------------------


class AppointmentSerializer(serializers.ModelSerializer):
    """An appointment as the API answers it: timestamps in the location's zone, related objects by id."""

    start = serializers.DateTimeField(read_only=True, help_text=_("With the location's UTC offset."))
    end = serializers.DateTimeField(read_only=True, help_text=_("With the location's UTC offset."))
    location = serializers.IntegerField(source="location_id", read_only=True)
    service = serializers.IntegerField(source="service_id", read_only=True)
    client = serializers.IntegerField(source="client_id", read_only=True)
    mechanic = serializers.IntegerField(source="mechanic_id", read_only=True, allow_null=True)
    vehicle = serializers.IntegerField(source="vehicle_id", read_only=True, allow_null=True)

    class Meta:
        model = Appointment
        fields = ("id", "status", "start", "end", "location", "service", "mechanic", "client", "vehicle", "notes")
        read_only_fields = fields

    def to_representation(self, instance: Appointment) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        zone = instance.location.zone
        data["start"] = _local(instance.start, zone)
        data["end"] = _local(instance.end, zone)
        return data


class AppointmentCreateSerializer(serializers.Serializer):
    location = _id_field()
    service = _id_field()
    start = BookingStartField(help_text=_("An offered slot's start, with its UTC offset."))
    mechanic = _id_field(required=False, allow_null=True, help_text=_("Leave out to get the least busy free mechanic."))
    vehicle = _id_field(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    client = _id_field(
        required=False,
        allow_null=True,
        help_text=_("Staff booking for a client must give them; clients book for themselves."),
    )


class AppointmentFilterSerializer(_FromToMixin, serializers.Serializer):
    location = _id_field(required=False)
    from_ = BoundedDateField(required=False, help_text=_("First local date, inclusive."))
    to = BoundedDateField(required=False, help_text=_("Last local date, inclusive."))
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_date_order(attrs)
        return attrs


class CancelSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RescheduleSerializer(serializers.Serializer):
    start = BookingStartField(help_text=_("An offered slot's start, with its UTC offset."))
    mechanic = _id_field(required=False, allow_null=True, help_text=_("Leave out to get the least busy free mechanic."))


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in STAFF_STATUSES])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Appointments: reference lookups ----------------------------------------


class _References:
    """Related objects named in a body. One the caller may not see (or that does not exist) is a validation error
    on its own field, never a 404 for the whole request; every such field is reported at once."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def _get(self, field: str, pk: int | None, message: StrOrPromise, lookup: Callable[[], T]) -> T | None:
        if pk is None:
            return None
        try:
            return lookup()
        except Http404:
            self.errors[field] = [str(message)]
            return None

    def service(self, pk: int) -> Service | None:
        return self._get("service", pk, _("Unknown service."), lambda: get_service_for_user(self.user, pk))

    def client(self, pk: int | None) -> User | None:
        return self._get("client", pk, _("Unknown client."), lambda: get_user_for_user(self.user, pk))

    def vehicle(self, pk: int | None) -> Vehicle | None:
        return self._get("vehicle", pk, _("Unknown vehicle."), lambda: get_vehicle_for_user(self.user, pk))

    def mechanic(self, location: Location, pk: int | None) -> User | None:
        return self._get(
            "mechanic",
            pk,
            _("This mechanic does not work at this location."),
            lambda: get_mechanic_for_booking(location, pk),
        )

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _answer(appointment: Appointment, code: int = status.HTTP_200_OK) -> Response:
    return Response(AppointmentSerializer(appointment).data, status=code)


# --- Appointments: views ----------------------------------------------------


class AppointmentListView(GenericAPIView):
    serializer_class = AppointmentSerializer

    @extend_schema(
        summary="Appointments the caller may see",
        description="Clients see their own; staff those of their locations; admins all. Ascending by start.",
        parameters=[
            OpenApiParameter("location", OpenApiTypes.INT, description="Only at this location."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local date, inclusive."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local date, inclusive."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=AppointmentStatus.values, description="Only this status."
            ),
        ],
        responses={200: AppointmentSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        filters = AppointmentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        rows = selectors.appointments_visible_to(
            request.user,
            location_id=data.get("location"),
            first_date=data.get("from"),
            last_date=data.get("to"),
            status=data.get("status"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AppointmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Book an appointment",
        description=(
            "`start` must be a slot the availability answer offers. Clients book for themselves; staff give "
            "`client`. Without `mechanic` the free eligible mechanic with the fewest bookings that day is assigned. "
            "409 `slot_unavailable`, or `capacity_reached` when only the hour or day capacity is missing."
        ),
        request=AppointmentCreateSerializer,
        responses={201: AppointmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request) -> Response:
        serializer = AppointmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        location = get_location_for_user(request.user, data["location"])
        refs = _References(request.user)
        service = refs.service(data["service"])
        client = refs.client(data.get("client"))
        mechanic = refs.mechanic(location, data.get("mechanic"))
        vehicle = refs.vehicle(data.get("vehicle"))
        refs.check()
        appointment = services.appointment_book(
            actor=request.user,
            location=location,
            service=cast(Service, service),  # refs.check() let nothing missing through
            start=data["start"],
            client=client,
            mechanic=mechanic,
            vehicle=vehicle,
            notes=data.get("notes", ""),
        )
        return _answer(appointment, status.HTTP_201_CREATED)


class AppointmentDetailView(APIView):
    serializer_class = AppointmentSerializer

    @extend_schema(summary="One appointment", responses={200: AppointmentSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        return _answer(selectors.get_appointment_for_user(request.user, pk))


class AppointmentCancelView(APIView):
    serializer_class = CancelSerializer

    @extend_schema(
        summary="Cancel an appointment",
        description="Staff always may; a client only while `start - now` is at least the location's cancellation "
        "window, else 409 `cancellation_window_passed`.",
        request=CancelSerializer,
        responses={200: AppointmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        appointment = selectors.get_appointment_for_user(request.user, pk)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(
            actor=request.user, appointment=appointment, note=serializer.validated_data.get("note", "")
        )
        return _answer(appointment)


class AppointmentRescheduleView(APIView):
    serializer_class = RescheduleSerializer

    @extend_schema(
        summary="Move an appointment to another offered slot",
        description="The appointment being moved does not count against itself. A client only within the "
        "cancellation window. 409 `slot_unavailable` / `capacity_reached` / `cancellation_window_passed`.",
        request=RescheduleSerializer,
        responses={200: AppointmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        appointment = selectors.get_appointment_for_user(request.user, pk)
        serializer = RescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        refs = _References(request.user)
        mechanic = refs.mechanic(appointment.location, data.get("mechanic"))
        refs.check()
        appointment = services.appointment_reschedule(
            actor=request.user, appointment=appointment, start=data["start"], mechanic=mechanic
        )
        return _answer(appointment)


class AppointmentStatusView(APIView):
    serializer_class = StatusChangeSerializer

    @extend_schema(
        summary="Move an appointment through its statuses (staff)",
        description="confirmed → checked_in | no_show; checked_in → in_progress | no_show; in_progress → "
        "completed. Anything else is 409 `invalid_transition`; cancelling has its own endpoint.",
        request=StatusChangeSerializer,
        responses={200: AppointmentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        appointment = selectors.get_appointment_for_user(request.user, pk)
        require(can_set_appointment_status(request.user, appointment))
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        appointment = services.appointment_set_status(
            actor=request.user, appointment=appointment, status=data["status"], note=data.get("note", "")
        )
        return _answer(appointment)
