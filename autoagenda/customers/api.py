"""JSON API for clients' vehicles: thin, calling the customers services and selectors.

The API keeps working whatever the locations' sector: only the web pages hide
vehicles when no automotive location is active.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.permissions import clients_visible_to, require
from autoagenda.core import bounds
from autoagenda.core.api import ScopedPrimaryKeyRelatedField, error_responses
from autoagenda.customers import selectors, services
from autoagenda.customers.models import Vehicle
from autoagenda.customers.permissions import can_add_vehicles, get_vehicle_for_user
from autoagenda.customers.services import MAX_MILEAGE
from autoagenda.customers.vin import decode_vin

VEHICLE_OUTPUT_FIELDS = (
    "id",
    "owner",
    "make",
    "model",
    "year",
    "plate",
    "vin",
    "mileage",
    "color",
    "notes",
    "vin_manufacturer",
    "vin_country",
    "archived_at",
)


class VehicleSerializer(serializers.ModelSerializer[Vehicle]):
    class Meta:
        model = Vehicle
        fields = VEHICLE_OUTPUT_FIELDS
        read_only_fields = fields


class VehicleWriteSerializer(serializers.Serializer[Any]):
    owner = ScopedPrimaryKeyRelatedField(
        scope=clients_visible_to,
        required=False,
        allow_null=True,
        help_text=_("Staff: the client who owns the vehicle. Clients leave it out."),
    )
    make = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=60)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    plate = serializers.CharField(max_length=40)
    vin = serializers.CharField(required=False, allow_blank=True, max_length=40)
    mileage = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_MILEAGE)
    color = serializers.CharField(required=False, allow_blank=True, max_length=30)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=500)


class VehicleUpdateSerializer(VehicleWriteSerializer):
    owner = None  # type: ignore[assignment]  # the owner of a vehicle does not change


class VinDecodeSerializer(serializers.Serializer[Any]):
    manufacturer = serializers.CharField()
    country = serializers.CharField()
    years = serializers.ListField(child=serializers.IntegerField())


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    value = bounds.parse_id(raw)
    if value is None:
        raise serializers.ValidationError({name: [str(bounds.ID_MESSAGE)]})
    return value


def _bool_param(request: Request, name: str) -> bool | None:
    raw = (request.query_params.get(name) or "").lower()
    if raw == "":
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise serializers.ValidationError({name: [_("Use true or false.")]})


@extend_schema_view(
    get=extend_schema(
        summary="List vehicles (clients: their own; staff: those of the clients their locations serve)",
        description=(
            "Staff see a client's vehicles once one of their locations serves the client (a booking, a walk-in "
            "ticket, the desk creating or finding them); admins see all. Archived vehicles are listed with "
            "`archived_at` set unless `archived=false`."
        ),
        parameters=[
            OpenApiParameter("owner", OpenApiTypes.INT, description="Only this client's vehicles."),
            OpenApiParameter("plate", OpenApiTypes.STR, description="Plate or part of it; separators ignored."),
            OpenApiParameter(
                "archived",
                OpenApiTypes.BOOL,
                description="`true`: only archived vehicles; `false`: only bookable ones; absent: both.",
            ),
        ],
    ),
    post=extend_schema(
        summary="Add a vehicle (clients: their own; staff: give `owner`)",
        request=VehicleWriteSerializer,
        responses={201: VehicleSerializer},
    ),
)
class VehicleListCreateView(generics.ListCreateAPIView[Vehicle]):
    serializer_class = VehicleSerializer

    def get_queryset(self) -> QuerySet[Vehicle]:
        request = self.request
        return selectors.vehicles_for(
            request.user,
            owner_id=_int_param(request, "owner"),
            plate=request.query_params.get("plate"),
            archived=_bool_param(request, "archived"),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(can_add_vehicles(request.user))
        data = VehicleWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        owner = fields.pop("owner", None)
        vehicle = services.vehicle_create(actor=request.user, owner=owner, **fields)
        return Response(VehicleSerializer(vehicle).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Read a vehicle"),
    patch=extend_schema(
        summary="Change a vehicle (its owner or the front desk)",
        request=VehicleUpdateSerializer,
        responses={200: VehicleSerializer},
    ),
    delete=extend_schema(
        summary="Delete a vehicle that was never booked (its owner or the front desk)",
        description=(
            "A vehicle with history (any appointment; later work orders) is never deleted: the answer is 409 "
            "`vehicle_has_history` and nothing changes. Archive it instead (`POST /api/v1/vehicles/{id}/archive/`)."
        ),
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class VehicleDetailView(generics.RetrieveUpdateDestroyAPIView[Vehicle]):
    serializer_class = VehicleSerializer
    http_method_names = ("get", "patch", "delete", "head", "options")

    def get_object(self) -> Vehicle:
        manage = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_vehicle_for_user(self.request.user, self.kwargs["pk"], manage=manage)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        vehicle = self.get_object()
        data = VehicleUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        vehicle = services.vehicle_update(actor=request.user, vehicle=vehicle, **data.validated_data)
        return Response(VehicleSerializer(vehicle).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.vehicle_delete(actor=request.user, vehicle=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class VinDecodeView(APIView):
    @extend_schema(
        summary="Decode a VIN (offline): manufacturer, country and possible model years",
        parameters=[OpenApiParameter("vin", OpenApiTypes.STR, required=True)],
        responses={200: VinDecodeSerializer},
    )
    def get(self, request: Request) -> Response:
        info = decode_vin(request.query_params.get("vin", ""))
        return Response(VinDecodeSerializer(info).data)


class _VehicleActionView(APIView):
    serializer_class = VehicleSerializer

    def _vehicle(self, request: Request, pk: int) -> Vehicle:
        return get_vehicle_for_user(request.user, pk, manage=True)


class VehicleArchiveView(_VehicleActionView):
    @extend_schema(
        summary="Archive a vehicle (its owner or the front desk)",
        description=(
            "It leaves the booking choices and stays on its appointments; archiving again changes nothing. "
            "Undo with `POST /api/v1/vehicles/{id}/restore/`."
        ),
        request=None,
        responses={200: VehicleSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        vehicle = services.vehicle_archive(actor=request.user, vehicle=self._vehicle(request, pk))
        return Response(VehicleSerializer(vehicle).data)


class VehicleRestoreView(_VehicleActionView):
    @extend_schema(
        summary="Restore an archived vehicle (its owner or the front desk)",
        request=None,
        responses={200: VehicleSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        vehicle = services.vehicle_restore(actor=request.user, vehicle=self._vehicle(request, pk))
        return Response(VehicleSerializer(vehicle).data)
