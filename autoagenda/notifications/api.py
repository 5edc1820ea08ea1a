"""JSON API of the notifications app (API.md, "Notifications"): the caller's inbox, the outbox for managers
and admins, and the private calendar feed's address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from autoagenda.accounts.models import User
from autoagenda.core.api import error_responses
from autoagenda.core.api_fields import IdField
from autoagenda.notifications import permissions, selectors, services
from autoagenda.notifications.models import CalendarFeed, Delivery, DeliveryStatus, InAppNotification

NO_CONTENT = OpenApiResponse(description=_("Deleted; no body."))


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _local(value: datetime | None, delivery: Delivery) -> str | None:
    """A delivery's times in its location's zone (UTC for account-level messages), ISO 8601 with the offset."""
    if value is None:
        return None
    return value.astimezone(delivery.location.zone).isoformat() if delivery.location else value.isoformat()


class InAppNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = InAppNotification
        fields = ("id", "kind", "title", "body", "url", "created_at", "read_at")
        read_only_fields = fields


class InboxFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text=_("1: only the unread ones."))


class ReadAllSerializer(serializers.Serializer):
    updated = serializers.IntegerField(read_only=True)


class DeliverySerializer(serializers.ModelSerializer):
    recipient = serializers.CharField(source="address", help_text=_("The email address or phone it goes to."))
    send_after = serializers.SerializerMethodField()
    sent_at = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ("id", "channel", "recipient", "template", "status", "attempts", "send_after", "sent_at", "last_error")
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField())
    def get_send_after(self, obj: Delivery) -> str | None:
        return _local(obj.send_after, obj)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_sent_at(self, obj: Delivery) -> str | None:
        return _local(obj.sent_at, obj)


class OutboxFilterSerializer(serializers.Serializer):
    location = IdField(required=False, help_text=_("Only this location's messages."))
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)


class FeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text=_("Private: whoever has it sees your appointments. Rotate to revoke."))


# --- Inbox ----------------------------------------------------------------------------------------------


class InboxListView(GenericAPIView):
    serializer_class = InAppNotificationSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return InAppNotification.objects.none()
        filters = InboxFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.inbox_for(_actor(self.request), unread=filters.validated_data["unread"])

    @extend_schema(
        parameters=[InboxFilterSerializer],
        responses={200: InAppNotificationSerializer(many=True), **error_responses(400, 401)},
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InAppNotificationSerializer(page, many=True).data)


class InboxDetailView(GenericAPIView):
    serializer_class = InAppNotificationSerializer

    @extend_schema(responses={200: InAppNotificationSerializer, **error_responses(401, 404)}, tags=["notifications"])
    def get(self, request: Request, pk: int) -> Response:
        return Response(InAppNotificationSerializer(permissions.get_inapp_for_user(_actor(request), pk)).data)

    @extend_schema(responses={204: NO_CONTENT, **error_responses(401, 404)}, tags=["notifications"])
    def delete(self, request: Request, pk: int) -> Response:
        services.inapp_delete(notification=permissions.get_inapp_for_user(_actor(request), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboxReadView(GenericAPIView):
    serializer_class = InAppNotificationSerializer

    @extend_schema(
        request=None, responses={200: InAppNotificationSerializer, **error_responses(401, 404)}, tags=["notifications"]
    )
    def post(self, request: Request, pk: int) -> Response:
        item = services.inapp_mark_read(notification=permissions.get_inapp_for_user(_actor(request), pk))
        return Response(InAppNotificationSerializer(item).data)


class InboxReadAllView(GenericAPIView):
    serializer_class = ReadAllSerializer

    @extend_schema(request=None, responses={200: ReadAllSerializer, **error_responses(401)}, tags=["notifications"])
    def post(self, request: Request) -> Response:
        return Response({"updated": services.inapp_mark_all_read(user=_actor(request))})


# --- Outbox --------------------------------------------------------------------------------------------------


class OutboxListView(GenericAPIView):
    """Managers (their locations) and admins (all, and the account-level messages): what was sent to whom."""

    serializer_class = DeliverySerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        actor = _actor(self.request)
        permissions.require(permissions.can_see_outbox(actor))
        filters = OutboxFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        location = permissions.get_outbox_location_for_user(actor, data["location"]) if "location" in data else None
        return selectors.outbox_for(actor, location=location, status=data.get("status"))

    @extend_schema(
        parameters=[OutboxFilterSerializer],
        responses={200: DeliverySerializer(many=True), **error_responses(400, 401, 403, 404)},
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


class OutboxRetryView(GenericAPIView):
    serializer_class = DeliverySerializer

    @extend_schema(
        request=None,
        responses={200: DeliverySerializer, **error_responses(401, 403, 404, 409)},
        tags=["notifications"],
    )
    def post(self, request: Request, pk: int) -> Response:
        delivery = permissions.get_delivery_for_user(_actor(request), pk)
        return Response(DeliverySerializer(services.delivery_retry(delivery=delivery)).data)


# --- Calendar feed ------------------------------------------------------------------------------------------


def feed_url(request: Any, feed: CalendarFeed) -> str:
    return str(request.build_absolute_uri(reverse("calendar-feed", args=[feed.token])))


class CalendarFeedView(GenericAPIView):
    serializer_class = FeedSerializer

    @extend_schema(responses={200: FeedSerializer, **error_responses(401)}, tags=["people"])
    def get(self, request: Request) -> Response:
        return Response({"url": feed_url(request, services.calendar_feed_for(user=_actor(request)))})


class CalendarFeedRotateView(GenericAPIView):
    serializer_class = FeedSerializer

    @extend_schema(request=None, responses={200: FeedSerializer, **error_responses(401)}, tags=["people"])
    def post(self, request: Request) -> Response:
        return Response({"url": feed_url(request, services.calendar_feed_rotate(user=_actor(request)))})
