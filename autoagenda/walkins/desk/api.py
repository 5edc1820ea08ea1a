"""What a desk does through the API (API.md, "Walk-in queue"): sit down, leave, call the next person and act on
the called ticket. Staff of the desk's location only; the ticket answers are walkins/api.py's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.core.api import error_responses, validated
from autoagenda.walkins import services
from autoagenda.walkins.api import (
    MAX_ID,
    DeskSerializer,
    TicketSerializer,
    ids_field,
    queues_at,
    ticket_answer,
)
from autoagenda.walkins.permissions import get_desk_for_user, get_ticket_for_user


class CallNextSerializer(serializers.Serializer[Any]):
    queues = ids_field(
        required=False, allow_empty=False, help_text=_("Only these of the desk's queues; default: all of them.")
    )


class TransferSerializer(serializers.Serializer[Any]):
    queue = serializers.IntegerField(min_value=1, max_value=MAX_ID)


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
        ids = validated(CallNextSerializer, request).get("queues")
        queues = queues_at(desk.location_id, ids) if ids is not None else None
        ticket = services.ticket_call_next(actor=request.user, desk=desk, queues=queues)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return ticket_answer(ticket)


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
            return ticket_answer(service(actor=request.user, ticket=ticket))

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
        wanted = validated(TransferSerializer, request)["queue"]
        queue = queues_at(ticket.location_id, [wanted], field="queue")[0]
        return ticket_answer(services.ticket_transfer(actor=request.user, ticket=ticket, queue=queue))
