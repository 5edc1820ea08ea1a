"""JSON API for the service catalog: thin, calling the catalog services and selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from autoagenda.accounts.models import Role, User
from autoagenda.accounts.permissions import locations_known_to, require, staff_visible_to
from autoagenda.catalog import selectors, services
from autoagenda.catalog.models import Service
from autoagenda.catalog.permissions import can_create_services, get_service_for_user
from autoagenda.core.api import ScopedPrimaryKeyRelatedField, location_param, validated
from autoagenda.core.api_fields import LocationPriceSerializer, MoneyField
from autoagenda.locations.models import Location


class ServiceSerializer(serializers.ModelSerializer[Service]):
    price = MoneyField(min_value=0, help_text=_("Net, in `currency`."))
    currency = serializers.CharField(read_only=True, help_text=_("ISO 4217 code of `price`."))
    prices = LocationPriceSerializer(
        many=True, read_only=True, help_text=_("Its own price at locations in another currency, in theirs.")
    )
    locations: serializers.PrimaryKeyRelatedField[Location] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    mechanics: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Service
        fields = (
            "id",
            "name",
            "description",
            "duration_minutes",
            "buffer_minutes",
            "price",
            "currency",
            "prices",
            "tax_rate",
            "requires_mechanic",
            "locations",
            "mechanics",
            "repeat_months",
            "repeat_km",
            "is_active",
        )
        read_only_fields = fields


class ServiceWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=1440)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    price = MoneyField(min_value=0, max_digits=12, decimal_places=2, currency=None)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    requires_mechanic = serializers.BooleanField(required=False)
    locations = ScopedPrimaryKeyRelatedField(many=True, allow_empty=False, scope=locations_known_to)
    mechanics = ScopedPrimaryKeyRelatedField(
        many=True,
        required=False,
        scope=lambda user: staff_visible_to(user).filter(role=Role.MECHANIC),
        help_text=_("Empty: every mechanic of the location."),
    )
    repeat_months = serializers.IntegerField(min_value=1, max_value=120, required=False, allow_null=True)
    repeat_km = serializers.IntegerField(min_value=100, max_value=2_000_000, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


@extend_schema_view(
    get=extend_schema(
        summary="List the services the caller may see",
        description="Anonymous callers and clients see the active catalog; staff see their locations' services.",
        parameters=[OpenApiParameter("location", OpenApiTypes.INT, description="Only services offered here.")],
    ),
    post=extend_schema(
        summary="Create a service (admins; managers at locations they manage)",
        request=ServiceWriteSerializer,
        responses={201: ServiceSerializer},
    ),
)
class ServiceListCreateView(generics.ListCreateAPIView[Service]):
    serializer_class = ServiceSerializer
    # Anyone may browse the catalog: a visitor picks a service (and asks for its availability, which is public
    # too) before signing up. Writes need a login. DRF's own class, so the schema says so (security: [{}]).
    permission_classes = (IsAuthenticatedOrReadOnly,)

    def get_queryset(self) -> QuerySet[Service]:
        return selectors.services_for(self.request.user, location_id=location_param(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(can_create_services(request.user))
        service = services.service_create(actor=request.user, **validated(ServiceWriteSerializer, request))
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Read a service"),
    patch=extend_schema(
        summary="Change a service (admins; managers of every location that offers it)",
        request=ServiceWriteSerializer,
        responses={200: ServiceSerializer},
    ),
)
class ServiceDetailView(generics.RetrieveUpdateAPIView[Service]):
    serializer_class = ServiceSerializer
    permission_classes = (IsAuthenticatedOrReadOnly,)
    http_method_names = ("get", "patch", "head", "options")

    def get_object(self) -> Service:
        manage = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_service_for_user(self.request.user, self.kwargs["pk"], manage=manage)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        service = self.get_object()
        values = validated(ServiceWriteSerializer, request, partial=True)
        service = services.service_update(actor=request.user, service=service, **values)
        return Response(ServiceSerializer(service).data)
