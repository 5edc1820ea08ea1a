"""JSON API for locations, their weekly hours, closures and public holidays (API.md, "Locations and catalog")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.permissions import get_visible_or_404, require
from autoagenda.core import bounds
from autoagenda.core.api import ContextFreeRepresentation, error_responses
from autoagenda.core.api_fields import AwareDateTimeField, BoundedDateField, MoneyField
from autoagenda.core.timeutils import format_hhmm, parse_hhmm, valid_timezones
from autoagenda.locations import selectors, services
from autoagenda.locations.models import (
    MAX_APPOINTMENTS_PER_DAY,
    MAX_APPOINTMENTS_PER_HOUR,
    MAX_DEPOSIT_AMOUNT,
    MAX_DEPOSIT_HOLD_MINUTES,
    MAX_NOTICE_MINUTES,
    MAX_REMINDER_MINUTES,
    MIN_DEPOSIT_HOLD_MINUTES,
    Closure,
    DepositMode,
    Location,
    OpeningHours,
    Sector,
)
from autoagenda.locations.permissions import can_create_locations, get_location_for_user, locations_visible_to

# --- Fields ---------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", "example": "09:00"})
class HHMMField(serializers.Field):
    """A wall-clock time of day as "HH:MM" (`24:00` closes a day), stored as minutes since midnight."""

    default_error_messages = {"invalid": _("Enter a time as HH:MM, from 00:00 to 24:00.")}

    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_hhmm(data)
        except ValueError:
            self.fail("invalid")
            raise  # unreachable: fail() raises

    def to_representation(self, value: int) -> str:
        return format_hhmm(value)


# --- Serializers ----------------------------------------------------------


class LocationSerializer(ContextFreeRepresentation, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=120)
    legal_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Printed on invoices; empty: the name.")
    )
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=_("Printed on invoices."))
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, help_text=_("IANA zone, e.g. America/Santiago."))
    country = serializers.CharField(max_length=2, min_length=2, help_text=_("ISO 3166 two-letter code, e.g. CL."))
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    slot_minutes = serializers.IntegerField(min_value=5, max_value=240, required=False)
    max_appointments_per_hour = serializers.IntegerField(
        min_value=1, max_value=MAX_APPOINTMENTS_PER_HOUR, allow_null=True, required=False
    )
    max_appointments_per_day = serializers.IntegerField(
        min_value=1, max_value=MAX_APPOINTMENTS_PER_DAY, allow_null=True, required=False
    )
    min_notice_minutes = serializers.IntegerField(min_value=0, max_value=MAX_NOTICE_MINUTES, required=False)
    booking_horizon_days = serializers.IntegerField(min_value=1, max_value=730, required=False)
    cancellation_window_minutes = serializers.IntegerField(min_value=0, max_value=MAX_NOTICE_MINUTES, required=False)
    use_public_holidays = serializers.BooleanField(required=False)
    quiet_hours_start = HHMMField(
        required=False, help_text=_("Local time from which no SMS or WhatsApp is sent (default 21:00).")
    )
    quiet_hours_end = HHMMField(
        required=False, help_text=_("Local time the held-back messages go out (default 08:00); equal = none.")
    )
    first_reminder_minutes = serializers.IntegerField(
        min_value=0,
        max_value=MAX_REMINDER_MINUTES,
        required=False,
        help_text=_("Minutes before an appointment the client is reminded (default 1440); 0 = none."),
    )
    second_reminder_minutes = serializers.IntegerField(
        min_value=0,
        max_value=MAX_REMINDER_MINUTES,
        required=False,
        help_text=_("A second reminder (default 120); 0 = none."),
    )
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        help_text=_("ISO 4217 code (CLP, EUR, USD …); default the country's. Fixed once the location has sold."),
    )
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        allow_null=True,
        help_text=_("Standard tax rate (%) proposed for new products and services; null = the country's."),
    )
    deposit_mode = serializers.ChoiceField(
        choices=DepositMode.choices,
        required=False,
        help_text=_("Online deposit a client's booking waits for (`pending`): none, a fixed amount or a percent."),
    )
    deposit_amount = MoneyField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_DEPOSIT_AMOUNT,
        required=False,
        allow_null=True,
        help_text=_("The fixed deposit, in the location's currency (null unless `deposit_mode` is fixed)."),
    )
    deposit_percent = serializers.IntegerField(
        min_value=1,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("The deposit as a percent of the service's price (null unless `deposit_mode` is percent)."),
    )
    deposit_hold_minutes = serializers.IntegerField(
        min_value=MIN_DEPOSIT_HOLD_MINUTES,
        max_value=MAX_DEPOSIT_HOLD_MINUTES,
        required=False,
        help_text=_("Minutes an unpaid booking keeps its slot before it is released (default 30)."),
    )
    is_active = serializers.BooleanField(required=False)

    def validate_timezone(self, value: str) -> str:
        value = value.strip()
        if value not in valid_timezones():
            raise serializers.ValidationError(_("Unknown time zone. Use an IANA name such as America/Santiago."))
        return value

    def validate_country(self, value: str) -> str:
        return value.strip().upper()


class OpeningHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=1, max_value=7, help_text=_("ISO weekday, 1 = Monday … 7 = Sunday."))
    start = HHMMField()
    end = HHMMField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, OpeningHours):
            return {"weekday": instance.weekday, "start": instance.start, "end": instance.end}
        return super().to_representation(instance)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["start"] >= 1440:
            raise serializers.ValidationError({"start": [_("An interval cannot start at 24:00.")]})
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


class ClosureSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = BoundedDateField(required=False, allow_null=True, help_text=_("A whole local day."))
    start = AwareDateTimeField(required=False)
    end = AwareDateTimeField(required=False, help_text=_("At most 1098 days after the start."))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_date = attrs.get("date") is not None
        has_span = "start" in attrs or "end" in attrs
        if has_date and has_span:
            raise serializers.ValidationError({"date": [_("Give either a date or a start and an end, not both.")]})
        if not has_date:
            missing = {
                field: [_("Give a date for a whole day, or a start and an end.")]
                for field in ("start", "end")
                if field not in attrs
            }
            if missing:
                raise serializers.ValidationError(missing)
            if attrs["end"] <= attrs["start"]:
                raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
            if not bounds.span_in_bounds(attrs["start"], attrs["end"]):
                raise serializers.ValidationError({"end": [bounds.span_message()]})
        return attrs


class ClosureFilterSerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is renamed below.
    from_ = BoundedDateField(required=False, help_text=_("Local date, inclusive."))
    to = BoundedDateField(required=False, help_text=_("Local date, inclusive."))

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": [_("The end date must not be before the start date.")]})
        return attrs


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()


class HolidayFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=bounds.EARLIEST_DATE.year, max_value=bounds.LATEST_DATE.year, required=False
    )


def _list_errors(errors: Any) -> Any:
    """A list body's errors keyed by position ("0.end"), the way services report them."""
    if isinstance(errors, list):
        return {str(index): item for index, item in enumerate(errors) if item}
    return errors


# --- Views ----------------------------------------------------------------


class LocationListView(GenericAPIView):
    serializer_class = LocationSerializer

    def get_queryset(self) -> Any:
        return locations_visible_to(self.request.user).order_by("name", "id")

    @extend_schema(
        summary="Locations the caller may see", responses={200: LocationSerializer(many=True), **error_responses(401)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LocationSerializer(page, many=True).data)

    @extend_schema(
        summary="Open a location (admins)",
        request=LocationSerializer,
        responses={201: LocationSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        require(can_create_locations(request.user))
        serializer = LocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, **serializer.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailView(APIView):
    serializer_class = LocationSerializer

    @extend_schema(summary="One location", responses={200: LocationSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk)
        return Response(LocationSerializer(location).data)

    @extend_schema(
        summary="Change a location's settings (admins and its managers)",
        request=LocationSerializer,
        responses={200: LocationSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk, manage=True)
        serializer = LocationSerializer(location, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        location = services.location_update(actor=request.user, location=location, **serializer.validated_data)
        return Response(LocationSerializer(location).data)


class OpeningHoursView(APIView):
    serializer_class = OpeningHoursSerializer

    @extend_schema(
        summary="The weekly opening hours",
        responses={200: OpeningHoursSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk)
        return Response(OpeningHoursSerializer(selectors.opening_hours_of(location), many=True).data)

    @extend_schema(
        summary="Replace the weekly opening hours (admins and the location's managers)",
        request=OpeningHoursSerializer(many=True),
        responses={200: OpeningHoursSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def put(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk, manage=True)
        serializer: serializers.ListSerializer = serializers.ListSerializer(
            child=OpeningHoursSerializer(), data=request.data, max_length=200
        )
        if not serializer.is_valid():
            raise ValidationError(_list_errors(serializer.errors))
        intervals = [(item["weekday"], item["start"], item["end"]) for item in serializer.validated_data]
        rows = services.opening_hours_replace(actor=request.user, location=location, intervals=intervals)
        return Response(OpeningHoursSerializer(rows, many=True).data)


class ClosureListView(GenericAPIView):
    serializer_class = ClosureSerializer

    @extend_schema(
        summary="Closures of a location",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Local date, inclusive."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Local date, inclusive."),
        ],
        responses={200: ClosureSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk)
        filters = ClosureFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        zone = location.zone
        start = end = None
        if filters.validated_data.get("from"):
            start = datetime.combine(filters.validated_data["from"], time(0), tzinfo=zone)
        if filters.validated_data.get("to"):
            end = datetime.combine(filters.validated_data["to"] + timedelta(days=1), time(0), tzinfo=zone)
        page = self.paginate_queryset(selectors.closures_of(location, start=start, end=end))
        data = ClosureSerializer(page, many=True, context={"location": location}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Close a whole day or a span of time (admins and the location's managers)",
        request=ClosureSerializer,
        responses={201: ClosureSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk, manage=True)
        serializer = ClosureSerializer(data=request.data, context={"location": location})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        closure = services.closure_add(
            actor=request.user,
            location=location,
            date=data.get("date"),
            start=data.get("start"),
            end=data.get("end"),
            reason=data.get("reason", ""),
        )
        return Response(ClosureSerializer(closure, context={"location": location}).data, status=201)


class ClosureDetailView(APIView):
    serializer_class = ClosureSerializer

    def _closure(self, location: Location, closure_id: int) -> Closure:
        return get_visible_or_404(selectors.closures_of(location), closure_id)

    @extend_schema(summary="One closure", responses={200: ClosureSerializer, **error_responses(401, 404)})
    def get(self, request: Request, pk: int, closure_id: int) -> Response:
        location = get_location_for_user(request.user, pk)
        closure = self._closure(location, closure_id)
        return Response(ClosureSerializer(closure, context={"location": location}).data)

    @extend_schema(
        summary="Reopen: delete a closure (admins and the location's managers)",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int, closure_id: int) -> Response:
        location = get_location_for_user(request.user, pk, manage=True)
        closure = self._closure(location, closure_id)
        services.closure_delete(actor=request.user, closure=closure)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HolidayListView(APIView):
    serializer_class = HolidaySerializer

    @extend_schema(
        summary="Public holidays the location closes on, for one year",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Defaults to the current local year.")],
        responses={200: HolidaySerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        location = get_location_for_user(request.user, pk)
        filters = HolidayFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        year = filters.validated_data.get("year") or timezone.now().astimezone(location.zone).year
        found = selectors.public_holidays(location, date(year, 1, 1), date(year, 12, 31))
        rows = [{"date": day, "name": name} for day, name in sorted(found.items())]
        return Response(HolidaySerializer(rows, many=True).data)
