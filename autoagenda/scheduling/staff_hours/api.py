"""JSON API for staff working hours and time off: thin, calling the scheduling services and selectors."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import get_staff_for_user, get_visible_or_404, locations_known_to, require
from autoagenda.core import bounds
from autoagenda.core.api import ScopedPrimaryKeyRelatedField
from autoagenda.core.api_fields import AwareDateTimeField
from autoagenda.core.timeutils import format_hhmm, parse_hhmm
from autoagenda.scheduling import services
from autoagenda.scheduling.models import TimeOff, WorkingHours
from autoagenda.scheduling.permissions import can_manage_staff_schedule, can_manage_time_off
from autoagenda.scheduling.selectors import staff_zone
from autoagenda.scheduling.staff_hours import selectors


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$", "example": "09:00"})
class TimeOfDayField(serializers.Field):
    """`HH:MM` in and out, stored as minutes since local midnight; `24:00` closes a day."""

    default_error_messages = {"invalid": _("Enter a time as HH:MM, from 00:00 to 24:00.")}

    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_hhmm(data)
        except (ValueError, TypeError):
            self.fail("invalid")

    def to_representation(self, value: int) -> str:
        return format_hhmm(value)


class WorkingHoursItemSerializer(serializers.Serializer):
    location = ScopedPrimaryKeyRelatedField(scope=locations_known_to)
    weekday = serializers.IntegerField(min_value=1, max_value=7, help_text=_("ISO weekday: 1 = Monday … 7 = Sunday."))
    start = TimeOfDayField()
    end = TimeOfDayField()


class WorkingHoursSerializer(serializers.ModelSerializer):
    start = TimeOfDayField(source="start_minute")
    end = TimeOfDayField(source="end_minute")

    class Meta:
        model = WorkingHours
        fields = ("location", "weekday", "start", "end")
        read_only_fields = fields


class TimeOffSerializer(serializers.ModelSerializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = TimeOff
        fields = ("id", "start", "end", "reason")
        read_only_fields = ("id",)


def _staff(request: Request, pk: Any) -> User:
    return get_staff_for_user(request.user, pk)


def _location_param(request: Request) -> int | None:
    raw = request.query_params.get("location")
    if raw in (None, ""):
        return None
    location_id = bounds.parse_id(raw)
    if location_id is None:
        raise ValidationError({"location": [_("Enter a location id.")]})
    return location_id


def _hours_answer(request: Request, user: User, location_id: int | None = None) -> Response:
    rows = selectors.working_hours_visible(request.user, user, location_id=location_id)
    return Response(WorkingHoursSerializer(rows, many=True).data)


class WorkingHoursView(APIView):
    """A staff member's weekly hours. None at a location means they work its opening hours."""

    @extend_schema(
        summary="Read a staff member's weekly working hours",
        parameters=[OpenApiParameter("location", OpenApiTypes.INT, description="Only at this location.")],
        responses={200: WorkingHoursSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = _staff(request, pk)
        return _hours_answer(request, user, _location_param(request))

    @extend_schema(
        summary="Replace a staff member's weekly working hours",
        description=(
            "The list replaces every interval the caller may set: all of them for an admin, those at the "
            "locations a manager manages otherwise (hours at other locations stay). Answers the stored list."
        ),
        request=WorkingHoursItemSerializer(many=True),
        responses={200: WorkingHoursSerializer(many=True)},
    )
    def put(self, request: Request, pk: int) -> Response:
        user = _staff(request, pk)
        require(can_manage_staff_schedule(request.user, user))
        items = WorkingHoursItemSerializer(data=request.data, many=True, context={"request": request})
        if not items.is_valid():
            errors = items.errors
            if isinstance(errors, list):
                raise ValidationError(
                    {f"{index}.{name}": msgs for index, item in enumerate(errors) for name, msgs in item.items()}
                )
            raise ValidationError(errors)
        entries = [
            services.HoursEntry(item["location"].pk, item["weekday"], item["start"], item["end"])
            for item in items.validated_data
        ]
        services.working_hours_set(actor=request.user, user=user, entries=entries)
        return _hours_answer(request, user)


@extend_schema_view(
    get=extend_schema(summary="List a staff member's time off"),
    post=extend_schema(summary="Record time off (admins, managers where they work, or the staff member)"),
)
class TimeOffListView(generics.ListCreateAPIView):
    serializer_class = TimeOffSerializer

    def get_staff(self) -> User:
        if not hasattr(self, "_staff_member"):
            self._staff_member = _staff(self.request, self.kwargs["pk"])
        return self._staff_member

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["zone"] = self.zone()
        return context

    def zone(self) -> zoneinfo.ZoneInfo:
        return staff_zone(self.get_staff())

    def get_queryset(self) -> QuerySet[TimeOff]:
        return selectors.time_off_for(self.get_staff())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self.get_staff()
        require(can_manage_time_off(request.user, user))
        data = TimeOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        off = services.time_off_add(actor=request.user, user=user, **data.validated_data)
        return Response(self.get_serializer(off).data, status=status.HTTP_201_CREATED)


class TimeOffDetailView(APIView):
    @extend_schema(summary="Delete time off", responses={204: None})
    def delete(self, request: Request, pk: int, tid: int) -> Response:
        user = _staff(request, pk)
        off = get_visible_or_404(selectors.time_off_for(user), tid)
        services.time_off_delete(actor=request.user, time_off=off)
        return Response(status=status.HTTP_204_NO_CONTENT)
