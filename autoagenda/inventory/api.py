"""JSON API for products and stock (API.md, "Work orders, stock, invoices"): thin, calling services and selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.permissions import require
from autoagenda.core.api import ScopedPrimaryKeyRelatedField, location_param, validated
from autoagenda.core.api_fields import IdField, LocationPriceSerializer, MoneyField
from autoagenda.core.timeutils import isoformat_in
from autoagenda.inventory import selectors, services
from autoagenda.inventory.models import UNIT_DECIMALS, MoveKind, Product, StockMove, Unit
from autoagenda.inventory.permissions import (
    can_create_products,
    can_use_inventory,
    can_write_stock,
    get_product_for_user,
    get_stock_location_for_user,
    stock_locations_for,
)
from autoagenda.locations.models import Location

QUANTITY_KW: dict[str, Any] = {"max_digits": 14, "decimal_places": 3, "max_value": Decimal("9999999999.999")}


def format_quantity(value: Decimal, unit: str) -> str:
    """A quantity as the unit counts it: `"3"` units, `"4.500"` litres."""
    return str(value.quantize(Decimal(1).scaleb(-UNIT_DECIMALS.get(unit, 3))))


# --- Products -------------------------------------------------------------------------------------------------------


class ProductSerializer(serializers.ModelSerializer[Product]):
    price = MoneyField(help_text=_("Net sale price, in `currency`."))
    cost_price = MoneyField()
    currency = serializers.CharField(read_only=True, help_text=_("ISO 4217 code of the prices (its first location's)."))
    prices = LocationPriceSerializer(many=True, read_only=True, help_text=_("Its own price at locations, in theirs."))
    reorder_level = serializers.SerializerMethodField()
    locations: serializers.PrimaryKeyRelatedField[Location] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Product
        fields = (
            "id", "sku", "name", "description", "unit", "price", "cost_price", "currency", "prices", "tax_rate",
            "reorder_level", "locations", "is_active",
        )  # fmt: skip
        read_only_fields = fields

    def get_reorder_level(self, product: Product) -> str:
        return format_quantity(product.reorder_level, product.unit)


class ProductWriteSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField(max_length=60)
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, max_length=5000, required=False)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    price = MoneyField(min_value=0, currency=None)
    cost_price = MoneyField(min_value=0, currency=None, required=False)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    reorder_level = serializers.DecimalField(**QUANTITY_KW, min_value=Decimal(0))
    is_active = serializers.BooleanField(required=False)
    locations = ScopedPrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        required=False,
        scope=stock_locations_for,
        help_text=_("Where it is carried; default: the locations the caller manages."),
    )


class PriceInputSerializer(serializers.Serializer[Any]):
    location = ScopedPrimaryKeyRelatedField(scope=stock_locations_for)
    price = MoneyField(min_value=0, currency=None, allow_null=True)
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text=_("The tax rate (%) charged there; null or absent: the product's."),
    )


class ProductPatchSerializer(ProductWriteSerializer):
    prices = PriceInputSerializer(
        many=True,
        required=False,
        help_text=_("Set its price and tax rate at locations (price null: back to the product's)."),
    )


@extend_schema_view(
    get=extend_schema(
        summary="Products carried at the caller's locations (staff)",
        parameters=[OpenApiParameter("location", OpenApiTypes.INT, description="Only those carried here.")],
    ),
    post=extend_schema(
        summary="Create a product (admins and managers)",
        request=ProductWriteSerializer,
        responses={201: ProductSerializer},
    ),
)
class ProductListCreateView(generics.ListCreateAPIView[Product]):
    serializer_class = ProductSerializer

    def get_queryset(self) -> QuerySet[Product]:
        require(can_use_inventory(self.request.user))
        return selectors.products_for(self.request.user, location_id=location_param(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(can_create_products(request.user))
        product = services.product_create(actor=request.user, **validated(ProductWriteSerializer, request))
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="Read a product"),
    patch=extend_schema(
        summary="Change a product (admins; managers of every location that carries it)",
        request=ProductPatchSerializer,
        responses={200: ProductSerializer},
    ),
)
class ProductDetailView(generics.RetrieveUpdateAPIView[Product]):
    serializer_class = ProductSerializer
    http_method_names = ("get", "patch", "head", "options")

    def get_object(self) -> Product:
        manage = self.request.method not in ("GET", "HEAD", "OPTIONS")
        return get_product_for_user(self.request.user, self.kwargs["pk"], manage=manage)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        product = self.get_object()
        values = validated(ProductPatchSerializer, request, partial=True)
        prices = values.pop("prices", [])
        product = services.product_update_with_prices(actor=request.user, product=product, prices=prices, **values)
        return Response(ProductSerializer(selectors.products_for(request.user).get(pk=product.pk)).data)


# --- Stock ----------------------------------------------------------------------------------------------------------


class StockMoveSerializer(serializers.ModelSerializer[StockMove]):
    reason = serializers.CharField(
        source="kind", read_only=True, help_text=_("receipt, adjustment, use, return, transfer")
    )
    quantity = serializers.SerializerMethodField()
    balance_after = serializers.SerializerMethodField()
    unit_cost = MoneyField(currency="location.currency", read_only=True, allow_null=True)
    currency = serializers.CharField(source="location.currency", read_only=True)
    work_order = serializers.IntegerField(source="work_order_id", read_only=True, allow_null=True)
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    created_at = serializers.SerializerMethodField()

    class Meta:
        model = StockMove
        fields = (
            "id", "product", "location", "reason", "quantity", "balance_after", "supplier", "unit_cost", "currency",
            "note", "work_order", "transfer_id", "actor", "created_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_quantity(self, move: StockMove) -> str:
        return format_quantity(move.quantity, move.product.unit)

    def get_balance_after(self, move: StockMove) -> str:
        return format_quantity(move.balance_after, move.product.unit)

    def get_created_at(self, move: StockMove) -> str:
        return isoformat_in(move.created_at, move.location.zone)


class StockMoveInputSerializer(serializers.Serializer[Any]):
    location = ScopedPrimaryKeyRelatedField(scope=stock_locations_for)
    quantity = serializers.DecimalField(
        **QUANTITY_KW, min_value=Decimal("-9999999999.999"), help_text=_("Signed: + in, − out (adjustments).")
    )
    reason = serializers.ChoiceField(choices=[MoveKind.RECEIPT, MoveKind.ADJUSTMENT, MoveKind.RETURN])
    supplier = serializers.CharField(max_length=120, required=False, allow_blank=True)
    unit_cost = MoneyField(min_value=0, currency=None, required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("Why (adjustments)."))
    work_order = IdField(required=False, allow_null=True, help_text=_("The work order a return comes from."))


class StockLevelSerializer(serializers.Serializer[Any]):
    location = IdField()
    quantity = serializers.CharField(help_text=_("On hand."))
    reserved = serializers.CharField()
    available = serializers.CharField(help_text=_("On hand minus reserved."))


@extend_schema_view(
    get=extend_schema(
        summary="A product's ledger, newest first (at the caller's locations)",
        parameters=[OpenApiParameter("location", OpenApiTypes.INT, description="Only this location's moves.")],
    ),
    post=extend_schema(
        summary="Record a receipt, an adjustment or a return (admins, managers and receptionists of the location)",
        request=StockMoveInputSerializer,
        responses={201: StockMoveSerializer},
    ),
)
class ProductStockMovesView(generics.ListCreateAPIView[StockMove]):
    serializer_class = StockMoveSerializer

    def get_queryset(self) -> QuerySet[StockMove]:
        product = get_product_for_user(self.request.user, self.kwargs["pk"])
        location_id = location_param(self.request)
        ids: Any = stock_locations_for(self.request.user).values("id")
        if location_id is not None:
            ids = [get_stock_location_for_user(self.request.user, location_id).pk]
        return selectors.ledger(product, location_ids=ids)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        product = get_product_for_user(request.user, kwargs["pk"])
        values = validated(StockMoveInputSerializer, request)
        location = values["location"]
        require(can_write_stock(request.user, location))
        move = services.stock_move_from_api(actor=request.user, product=product, **values)
        return Response(StockMoveSerializer(move).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="A product's stock at a location",
    parameters=[OpenApiParameter("location", OpenApiTypes.INT, required=True)],
    responses={200: StockLevelSerializer},
)
class ProductStockView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        product = get_product_for_user(request.user, pk)
        location_id = location_param(request, required=True)
        location = get_stock_location_for_user(request.user, location_id)
        level = selectors.stock_at(product, location)
        unit = product.unit
        return Response(
            {
                "location": location.pk,
                "quantity": format_quantity(level.quantity, unit),
                "reserved": format_quantity(level.reserved, unit),
                "available": format_quantity(level.available, unit),
            }
        )


class LowStockSerializer(serializers.ModelSerializer[Product]):
    product = serializers.IntegerField(source="pk", read_only=True)
    quantity = serializers.SerializerMethodField()
    reorder_level = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = ("product", "sku", "name", "unit", "quantity", "reorder_level")
        read_only_fields = fields

    def get_quantity(self, product: Any) -> str:
        return format_quantity(product.on_hand, product.unit)

    def get_reorder_level(self, product: Product) -> str:
        return format_quantity(product.reorder_level, product.unit)


@extend_schema(summary="Products at or below their reorder level at a location (staff of the location)")
class LocationLowStockView(generics.ListAPIView[Product]):
    serializer_class = LowStockSerializer

    def get_queryset(self) -> QuerySet[Product]:
        location = get_stock_location_for_user(self.request.user, self.kwargs["pk"])
        return selectors.low_stock_at(location)
