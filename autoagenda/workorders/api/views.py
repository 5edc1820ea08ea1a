"""Staff and client endpoints of work orders: thin views (fetch and authorize with one permission function,
validate with an input serializer, call one service, render with an output serializer).

Lists are scoped by `permissions.work_orders_visible_to` (desk roles: their locations; mechanics: assigned to
them; clients: their own). Another location's or client's work order is 404; a role that may not act, 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autoagenda.accounts.models import User
from autoagenda.accounts.permissions import clients_visible_to, get_visible_or_404, require, users_visible_to
from autoagenda.core.api import error_responses, validated
from autoagenda.core.errors import ApplicationError
from autoagenda.workorders import selectors, services
from autoagenda.workorders.api import serializers as s
from autoagenda.workorders.models import (
    Comment,
    EstimateVersion,
    LaborLine,
    PartLine,
    TimeEntry,
    WorkOrder,
    WorkOrderStatus,
)
from autoagenda.workorders.permissions import (
    can_run_work_orders,
    get_work_order_for_user,
    sees_internal_comments,
)


def _person(request: Request, pk: int | None, field: str) -> User | None:
    """A staff member or client named by id in a body: one the caller may not see is a 400 on its field."""
    if pk is None:
        return None
    try:
        return get_visible_or_404(users_visible_to(request.user), pk)
    except Http404:
        message = _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk}
        raise ApplicationError.invalid(field, message) from None


def detail_answer(request: Request, work_order: WorkOrder, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.work_order_detail(request.user, work_order.pk)
    return Response(s.WorkOrderDetailSerializer(fresh).data, status=code)


class WorkOrderListView(GenericAPIView[WorkOrder]):
    serializer_class = s.WorkOrderSerializer

    @extend_schema(
        summary="Work orders the caller may see",
        description="Desk roles see their locations' work orders (admins all); a mechanic those assigned to them; a "
        "client their own. Newest first. `from`/`to` are creation dates, local to `location` when given.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=WorkOrderStatus.values),
            OpenApiParameter("mechanic", OpenApiTypes.INT),
            OpenApiParameter("location", OpenApiTypes.INT),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("search", OpenApiTypes.STR, description="Number, plate, client name or complaint."),
        ],
        responses={200: s.WorkOrderSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        data = validated(s.WorkOrderFilterSerializer, request, request.query_params)
        rows = selectors.work_orders_for(
            request.user,
            status=data.get("status"),
            mechanic_id=data.get("mechanic"),
            location_id=data.get("location"),
            date_from=data.get("from"),
            date_to=data.get("to"),
            search=data.get("search", ""),
        )
        page = self.paginate_queryset(selectors.with_lines(rows))
        return self.get_paginated_response(s.WorkOrderSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a work order (reception, managers, admins)",
        description="For the vehicle's owner at `location`. With `appointment`, its service and mechanic carry "
        "over (one work order per appointment: 409 `conflict`). A mechanic not at the location, or a vehicle of "
        "another client than the appointment's, is 400.",
        request=s.WorkOrderCreateSerializer,
        responses={201: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.WorkOrderCreateSerializer, request)
        location, vehicle, appointment = data["location"], data["vehicle"], data.get("appointment")
        require(can_run_work_orders(request.user, location))
        mechanic = _person(request, data.get("mechanic"), "mechanic")
        common = {
            "description": data.get("description", ""),
            "mileage_in": data.get("mileage_in"),
            "notes": data.get("notes", ""),
        }
        if appointment is not None:
            if appointment.location_id != location.pk:
                raise ApplicationError.invalid("appointment", _("The appointment is at another location."))
            work_order = services.work_order_create_from_appointment(
                actor=request.user,
                appointment=appointment,
                vehicle=vehicle,
                promised_by=data.get("promised_by"),
                mechanic=mechanic,
                **common,
            )
        else:
            work_order = services.work_order_create(
                actor=request.user,
                location=location,
                vehicle=vehicle,
                mechanic=mechanic,
                promised_by=data.get("promised_by"),
                **common,
            )
        return detail_answer(request, work_order, status.HTTP_201_CREATED)


class WorkOrderFromTicketView(APIView):
    serializer_class = s.WorkOrderFromTicketSerializer

    @extend_schema(
        summary="Create a walk-in's work order from their ticket (reception, managers, admins)",
        description="The client is `client`, the ticket's, or a new one from the ticket's name and phone; the plate "
        "(given or the ticket's) finds their vehicle or creates it with `make` and `model`.",
        request=s.WorkOrderFromTicketSerializer,
        responses={201: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.WorkOrderFromTicketSerializer, request)
        ticket = data.pop("ticket")
        require(can_run_work_orders(request.user, ticket.location))
        client_id = data.pop("client", None)
        client = None
        if client_id is not None:
            try:
                client = get_visible_or_404(clients_visible_to(request.user), client_id)
            except Http404:
                raise ApplicationError.invalid("client", _("Choose a client this location serves.")) from None
        mechanic = _person(request, data.pop("mechanic", None), "mechanic")
        work_order = services.work_order_create_from_ticket(
            actor=request.user, ticket=ticket, client=client, mechanic=mechanic, **data
        )
        return detail_answer(request, work_order, status.HTTP_201_CREATED)


class WorkOrderDetailView(APIView):
    serializer_class = s.WorkOrderDetailSerializer

    @extend_schema(
        summary="Read a work order", responses={200: s.WorkOrderDetailSerializer, **error_responses(401, 404)}
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.WorkOrderDetailSerializer(selectors.work_order_detail(request.user, pk)).data)

    @extend_schema(
        summary="Correct a work order's complaint, notes, promised time or intake mileage (desk roles)",
        request=s.WorkOrderUpdateSerializer,
        responses={200: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, run=True)
        data = validated(s.WorkOrderUpdateSerializer, request)
        services.work_order_update(actor=request.user, work_order=work_order, **data)
        return detail_answer(request, work_order)


class AssignView(APIView):
    serializer_class = s.AssignSerializer

    @extend_schema(
        summary="Assign, reassign or unassign the mechanic (desk roles); the mechanic is notified",
        request=s.AssignSerializer,
        responses={200: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, run=True)
        data = validated(s.AssignSerializer, request)
        mechanic = _person(request, data["mechanic"], "mechanic")
        services.work_order_assign(actor=request.user, work_order=work_order, mechanic=mechanic)
        return detail_answer(request, work_order)


class StatusView(APIView):
    serializer_class = s.StatusSerializer

    @extend_schema(
        summary="Move a work order along its statuses",
        description="draft → estimate_sent | in_progress | cancelled; estimate_sent → approved | cancelled; approved "
        "→ in_progress | cancelled; in_progress → completed; completed → delivered. Anything else is 409 "
        "`invalid_transition` and changes nothing. The assigned mechanic may start and complete; desk roles "
        "anything. `estimate_sent` freezes and sends the estimate. Completing takes every product part line out "
        "of stock (a `use` move each, its reservation released) with the status change and its history, in one "
        "transaction: a part short of stock is 409 `insufficient_stock` naming the product, and nothing changes. "
        "Completing an already completed work order (a retry, a double click) answers 200 with the work order as "
        "it is and changes nothing: stock is used once. Cancelling gives the parts' reservations back.",
        request=s.StatusSerializer,
        responses={200: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk)
        data = validated(s.StatusSerializer, request)
        services.work_order_transition(
            actor=request.user, work_order=work_order, status=data["status"], comment=data.get("comment", "")
        )
        return detail_answer(request, work_order)


def _listed(summary: str, serializer: Any, *, description: str = "", statuses: tuple[int, ...] = (401, 404)) -> Any:
    """The schema of an `_UnderWorkOrderView`'s GET: a page of `serializer` rows."""
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=description or None,
            responses={200: serializer(many=True), **error_responses(*statuses)},
        )
    )


class _UnderWorkOrderView(GenericAPIView[Any]):
    """What lives under one work order (lines, comments, clocks, estimates): GET pages the rows of a selector
    (`rows`) of the work order the caller may see; a creation answers its row through `serializer_class`."""

    def rows(self, work_order: WorkOrder) -> QuerySet[Any]:
        raise NotImplementedError

    def get(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk)
        page = self.paginate_queryset(self.rows(work_order))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def answer(self, row: Any, code: int = status.HTTP_201_CREATED) -> Response:
        return Response(self.get_serializer(row).data, status=code)


@_listed("A work order's labor lines", s.LaborLineSerializer)
class LaborView(_UnderWorkOrderView):
    serializer_class = s.LaborLineSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[LaborLine]:
        return selectors.labor_lines_of(work_order)

    @extend_schema(
        summary="Add a labor line (desk roles, the assigned mechanic)",
        description="`hours` and `rate` zero or more (negative is 400), `tax_rate` a percentage 0–100. An estimate "
        "the client has not answered yet is superseded (its link stops working).",
        request=s.LaborInputSerializer,
        responses={201: s.LaborLineSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, work=True)
        data = validated(s.LaborInputSerializer, request)
        return self.answer(services.labor_line_add(actor=request.user, work_order=work_order, **data))


@_listed(
    "A work order's part lines",
    s.PartLineSerializer,
    description="`available` is the product's on hand minus reserved at the work order's location.",
)
class PartsView(_UnderWorkOrderView):
    serializer_class = s.PartLineSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[PartLine]:
        return selectors.part_lines_of(work_order)

    @extend_schema(
        summary="Add a part line (desk roles, the assigned mechanic)",
        description="`product, quantity`: the product's name, net price at the work order's location and tax rate "
        "fill the line (each may be given instead) and the quantity is reserved there in the same transaction; "
        "not enough available (on hand − reserved) is 409 `insufficient_stock` naming the product, and nothing is "
        "written. An unknown, inactive or not-carried product, or one without a price in the location's currency, "
        "is 400 on `product`; a quantity of zero or less, or with more decimals than the product's unit allows, "
        "400 on `quantity`. Without a product: `description, quantity, unit_price` (+ `tax_rate`), no stock.",
        request=s.PartInputSerializer,
        responses={201: s.PartLineSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, work=True)
        data = validated(s.PartInputSerializer, request)
        line = services.part_line_add(actor=request.user, work_order=work_order, **data)
        return self.answer(self.rows(work_order).get(pk=line.pk))


class _LineDetailView(APIView):
    output: type[serializers.Serializer[Any]]
    update: type[serializers.Serializer[Any]]

    def rows(self, work_order: WorkOrder) -> QuerySet[Any]:
        raise NotImplementedError

    def _line(self, request: Request, pk: int, line: int) -> tuple[WorkOrder, Any]:
        work_order = get_work_order_for_user(request.user, pk, work=True)
        found: Any = get_visible_or_404(self.rows(work_order), line)
        found.work_order = work_order
        return work_order, found

    def patch(self, request: Request, pk: int, line: int) -> Response:
        work_order, target = self._line(request, pk, line)
        data = {k: v for k, v in validated(self.update, request).items() if not (k == "tax_rate" and v is None)}
        services.line_update(actor=request.user, line=target, **data)
        return Response(self.output(self.rows(work_order).get(pk=target.pk)).data)

    def delete(self, request: Request, pk: int, line: int) -> Response:
        services.line_delete(actor=request.user, line=self._line(request, pk, line)[1])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="Change or delete a labor line",
    request=s.LaborUpdateSerializer,
    responses={200: s.LaborLineSerializer, 204: None, **error_responses(400, 401, 403, 404, 409)},
)
class LaborDetailView(_LineDetailView):
    serializer_class = s.LaborLineSerializer
    output = s.LaborLineSerializer
    update = s.LaborUpdateSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[LaborLine]:
        return selectors.labor_lines_of(work_order)


@extend_schema(
    summary="Change or delete a part line",
    description="A product line's new quantity reserves the difference (409 `insufficient_stock` when not "
    "available) or gives it back; deleting it releases its reservation.",
    request=s.PartUpdateSerializer,
    responses={200: s.PartLineSerializer, 204: None, **error_responses(400, 401, 403, 404, 409)},
)
class PartDetailView(_LineDetailView):
    serializer_class = s.PartLineSerializer
    output = s.PartLineSerializer
    update = s.PartUpdateSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[PartLine]:
        return selectors.part_lines_of(work_order)


@_listed("A work order's comments (a client reads only those for them)", s.CommentSerializer)
class CommentsView(_UnderWorkOrderView):
    serializer_class = s.CommentSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[Comment]:
        return selectors.comments_for(self.request.user, work_order)

    @extend_schema(
        summary="Comment on a work order (desk roles, the assigned mechanic): `internal` or for the `client`",
        request=s.CommentInputSerializer,
        responses={201: s.CommentSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, work=True)
        data = validated(s.CommentInputSerializer, request)
        return self.answer(services.comment_add(actor=request.user, work_order=work_order, **data))


@_listed("A work order's clock entries (staff)", s.TimeEntrySerializer, statuses=(401, 403, 404))
class TimeEntriesView(_UnderWorkOrderView):
    serializer_class = s.TimeEntrySerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[TimeEntry]:
        require(sees_internal_comments(self.request.user))
        return selectors.time_entries_of(work_order)

    @extend_schema(
        summary="Start (201) or stop (200) a mechanic's clock on a job in progress",
        description="A mechanic runs their own clock; desk roles may run a mechanic's of the location. Starting a "
        "running clock or stopping a stopped one is 409 `invalid_transition`.",
        request=s.TimeEntryInputSerializer,
        responses={200: s.TimeEntrySerializer, 201: s.TimeEntrySerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, work=True)
        data = validated(s.TimeEntryInputSerializer, request)
        mechanic = _person(request, data.get("mechanic"), "mechanic")
        if data["action"] == "start":
            return self.answer(services.time_entry_start(actor=request.user, work_order=work_order, mechanic=mechanic))
        entry = services.time_entry_stop(actor=request.user, work_order=work_order, mechanic=mechanic)
        return self.answer(entry, status.HTTP_200_OK)


@_listed("A work order's estimate versions, oldest first", s.EstimateSerializer)
class EstimatesView(_UnderWorkOrderView):
    serializer_class = s.EstimateSerializer

    def rows(self, work_order: WorkOrder) -> QuerySet[EstimateVersion]:
        return selectors.estimates_of(work_order)

    @extend_schema(
        summary="Send the estimate (desk roles): freeze the lines as a new version and send the client its link",
        description="A draft becomes `estimate_sent`; sending again makes version n+1 and the old link answers "
        "`link_superseded`. No lines is 400; past the estimate is 409 `invalid_transition`.",
        request=s.EstimateSendSerializer,
        responses={201: s.EstimateSentSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk, run=True)
        data = validated(s.EstimateSendSerializer, request)
        estimate, token = services.estimate_send(actor=request.user, work_order=work_order, **data)
        estimate.url = services.estimate_url(token)  # type: ignore[attr-defined]
        return Response(s.EstimateSentSerializer(estimate).data, status=status.HTTP_201_CREATED)


class PickupCallView(APIView):
    serializer_class = s.PickupCallSerializer

    @extend_schema(
        summary="Call a walk-in back to a desk to pick up their car (staff of the location)",
        description="The work order must be completed and come from a ticket (409 `invalid_transition` otherwise); "
        "the public screen shows the call with `pickup: true`.",
        request=s.PickupCallSerializer,
        responses={200: s.WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        work_order = get_work_order_for_user(request.user, pk)
        require(sees_internal_comments(request.user))
        data = validated(s.PickupCallSerializer, request)
        services.work_order_pickup_call(actor=request.user, work_order=work_order, desk=data["desk"])
        return detail_answer(request, work_order)
