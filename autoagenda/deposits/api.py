"""JSON API of deposits: read an appointment's deposit, open a checkout for it, and the providers' webhook."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.core.api import error_responses
from autoagenda.core.api_fields import IdField, MoneyField
from autoagenda.core.timeutils import isoformat_in
from autoagenda.deposits import services
from autoagenda.deposits.models import Deposit, DepositStatus
from autoagenda.deposits.permissions import get_appointment_deposit_for_user


class DepositSerializer(serializers.Serializer):
    appointment = IdField(source="appointment_id", read_only=True)
    amount = MoneyField(help_text=_("The deposit asked, in `currency` with its decimals."))
    currency = serializers.CharField(help_text=_("ISO 4217, the location's."))
    status = serializers.ChoiceField(choices=DepositStatus.choices)
    provider = serializers.CharField()
    hold_until = serializers.SerializerMethodField(
        help_text=_("Until then the unpaid booking keeps its slot; after it, it is released.")
    )
    paid_at = serializers.SerializerMethodField()
    paid_amount = MoneyField(allow_null=True, help_text=_("What the provider reported paid; null until paid."))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_hold_until(self, deposit: Deposit) -> str:
        return isoformat_in(deposit.hold_until, deposit.appointment.location.zone)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_paid_at(self, deposit: Deposit) -> str | None:
        return isoformat_in(deposit.paid_at, deposit.appointment.location.zone) if deposit.paid_at else None


class CheckoutSerializer(serializers.Serializer):
    url = serializers.URLField(help_text=_("The provider's checkout page; send the client there."))


class WebhookResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=[
            "confirmed",
            "refund_due",
            "already_paid",
            "failed",
            "expired",
            "duplicate",
            "ignored",
            "unknown_deposit",
        ]
    )


def return_urls(appointment_id: int) -> tuple[str, str]:
    """Where the provider sends the client back: our return page, absolute (SITE_URL)."""
    base = reverse("deposits:return", args=[appointment_id])
    site = settings.SITE_URL.rstrip("/")
    return f"{site}{base}?result=success", f"{site}{base}?result=cancel"


class DepositView(APIView):
    serializer_class = DepositSerializer

    @extend_schema(
        summary="An appointment's deposit",
        description="The client who owns the appointment and the staff of its location; 404 when it has none.",
        responses={200: DepositSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        _appointment, deposit = get_appointment_deposit_for_user(request.user, pk)
        return Response(DepositSerializer(deposit).data)


class DepositCheckoutView(APIView):
    serializer_class = CheckoutSerializer

    @extend_schema(
        summary="Open a checkout to pay the deposit",
        description=(
            "The client who owns the appointment (staff get 403). Answers the provider's checkout URL; a deposit "
            "no longer waiting is 409 `invalid_transition`; a provider that does not answer is 503 "
            "`payment_unavailable`."
        ),
        request=None,
        responses={200: CheckoutSerializer, **error_responses(401, 403, 404, 409, 503)},
    )
    def post(self, request: Request, pk: int) -> Response:
        appointment, deposit = get_appointment_deposit_for_user(request.user, pk)
        success_url, cancel_url = return_urls(appointment.pk)
        url = services.deposit_checkout(
            actor=request.user, deposit=deposit, success_url=success_url, cancel_url=cancel_url
        )
        if url.startswith("/"):
            url = settings.SITE_URL.rstrip("/") + url
        return Response(CheckoutSerializer({"url": url}).data)


class WebhookView(APIView):
    """Anonymous and CSRF-exempt (DRF's APIView is): the signature is what authenticates the provider."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    serializer_class = WebhookResultSerializer

    @extend_schema(
        summary="A payment provider's webhook",
        description=(
            "`provider` is `stripe` (signed `Stripe-Signature`) or `fake` (`Fake-Signature`). A bad signature is "
            "400 and writes nothing; the same event twice records one payment (`duplicate`)."
        ),
        parameters=[OpenApiParameter("provider", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["stripe", "fake"])],
        request=OpenApiTypes.OBJECT,
        responses={200: WebhookResultSerializer, **error_responses(400, 404)},
    )
    def post(self, request: Request, provider: str) -> Response:
        result = services.webhook_receive(provider=provider, payload=request.body, headers=request.headers)
        return Response(WebhookResultSerializer({"result": result}).data)
