"""Creating work orders: numbering, the three ways in (direct, appointment, walk-in ticket), refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from autoagenda.accounts.models import ClientLocation, Role
from autoagenda.core.errors import ApplicationError
from autoagenda.customers.models import MileageSource, Vehicle, VehicleMileage
from autoagenda.scheduling.models import AppointmentStatus
from autoagenda.workorders import services
from autoagenda.workorders.models import StatusChange, WorkOrder, WorkOrderStatus
from tests.accounts.factories import StaffFactory, UserFactory
from tests.customers.factories import VehicleFactory
from tests.scheduling.factories import AppointmentFactory
from tests.walkins.factories import DeskFactory, QueueFactory, TicketFactory
from tests.workorders.conftest import NOW


def _create(cast, vehicle, **kwargs):
    values = {"actor": cast.receptionist, "location": cast.location, "vehicle": vehicle, "description": "Frenos"}
    return services.work_order_create(**{**values, **kwargs})


def test_numbers_run_per_location_and_year_without_gaps(cast, vehicle, clock) -> None:
    first, second = _create(cast, vehicle), _create(cast, vehicle)
    other_vehicle = VehicleFactory(owner=cast.client)
    elsewhere = services.work_order_create(
        actor=cast.other_receptionist, location=cast.other_location, vehicle=other_vehicle, description="x"
    )
    assert [first.number, second.number, elsewhere.number] == ["OT-2026-00001", "OT-2026-00002", "OT-2026-00001"]
    clock.move_to(datetime(2027, 1, 1, 0, 5, tzinfo=ZoneInfo("America/Santiago")))
    assert _create(cast, vehicle).number == "OT-2027-00001"  # the location's local new year


def test_a_refused_creation_uses_no_number(cast, vehicle, clock) -> None:
    with pytest.raises(ApplicationError):
        _create(cast, vehicle, description="")
    assert _create(cast, vehicle).number == "OT-2026-00001"


def test_a_new_work_order_is_a_draft_with_its_history_row_and_links_the_client(cast, clock) -> None:
    client = UserFactory()
    vehicle = VehicleFactory(owner=client)
    work_order = _create(cast, vehicle, actor=cast.admin)
    assert (work_order.status, work_order.client, work_order.created_by) == (WorkOrderStatus.DRAFT, client, cast.admin)
    change = StatusChange.objects.get(work_order=work_order)
    assert (change.from_status, change.to_status) == ("", "draft")
    assert ClientLocation.objects.filter(client=client, location=cast.location).exists()


def test_the_intake_mileage_goes_into_the_vehicle_s_history(cast, vehicle, clock) -> None:
    work_order = _create(cast, vehicle, mileage_in=91234)
    reading = VehicleMileage.objects.get(vehicle=vehicle)
    assert (reading.mileage, reading.source, reading.reference) == (91234, MileageSource.WORK_ORDER, work_order.number)
    assert Vehicle.objects.get(pk=vehicle.pk).mileage == 91234


def test_a_lower_reading_is_kept_but_does_not_lower_the_vehicle_s_mileage(cast, vehicle, clock) -> None:
    _create(cast, vehicle, mileage_in=80000)
    assert VehicleMileage.objects.filter(vehicle=vehicle, mileage=80000).exists()
    assert Vehicle.objects.get(pk=vehicle.pk).mileage == 85000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"mileage_in": -1}, "mileage_in"),
        ({"promised_by": datetime(2026, 12, 2, 10, 0)}, "promised_by"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_bad_input_is_400_on_its_field_and_nothing_is_written(cast, vehicle, clock, change, field) -> None:
    with pytest.raises(ApplicationError) as refused:
        _create(cast, vehicle, **change)
    assert refused.value.code == "invalid"
    assert field in refused.value.errors
    assert not WorkOrder.objects.exists()


def test_a_vehicle_of_another_client_is_400(cast, vehicle, clock) -> None:
    with pytest.raises(ApplicationError) as refused:
        _create(cast, vehicle, client=cast.outsider)
    assert list(refused.value.errors) == ["vehicle"]


def test_an_archived_vehicle_is_400(cast, vehicle, clock) -> None:
    Vehicle.objects.filter(pk=vehicle.pk).update(archived_at=NOW)
    vehicle.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        _create(cast, vehicle)
    assert list(refused.value.errors) == ["vehicle"]


@pytest.mark.parametrize("who", ["other_mechanic", "client", "admin"])
def test_a_mechanic_not_at_the_location_is_400(cast, vehicle, clock, who) -> None:
    with pytest.raises(ApplicationError) as refused:
        _create(cast, vehicle, mechanic=getattr(cast, who))
    assert list(refused.value.errors) == ["mechanic"]


@pytest.mark.parametrize("who", ["mechanic", "client", "other_manager", "other_receptionist"])
def test_only_the_desk_roles_of_the_location_create(cast, vehicle, clock, who) -> None:
    with pytest.raises(PermissionDenied):
        _create(cast, vehicle, actor=getattr(cast, who))


# --- From an appointment ------------------------------------------------------------------------------------------


@pytest.fixture
def appointment(cast, vehicle, clock):
    return AppointmentFactory(
        location=cast.location,
        client=cast.client,
        vehicle=vehicle,
        mechanic=cast.mechanic,
        start=NOW + timedelta(hours=1),
        status=AppointmentStatus.CHECKED_IN,
        notes="Cambio de aceite y ruido",
    )


def test_an_appointment_s_vehicle_service_and_mechanic_carry_over(cast, appointment) -> None:
    work_order = services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    assert (work_order.vehicle, work_order.service, work_order.mechanic, work_order.client) == (
        appointment.vehicle,
        appointment.service,
        cast.mechanic,
        cast.client,
    )
    assert (work_order.appointment, work_order.description, work_order.promised_by) == (
        appointment,
        "Cambio de aceite y ruido",
        appointment.end,
    )


def test_an_appointment_gets_one_work_order(cast, appointment) -> None:
    services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    with pytest.raises(ApplicationError) as refused:
        services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    assert (refused.value.code, refused.value.status) == ("conflict", 409)
    assert WorkOrder.objects.count() == 1


def test_an_appointment_without_a_vehicle_needs_one(cast, appointment) -> None:
    appointment.vehicle = None
    appointment.save()
    with pytest.raises(ApplicationError) as refused:
        services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    assert list(refused.value.errors) == ["vehicle"]


def test_a_cancelled_appointment_gets_none(cast, appointment) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    with pytest.raises(ApplicationError) as refused:
        services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    assert list(refused.value.errors) == ["appointment"]


def test_the_appointment_follows_its_work_order(cast, appointment) -> None:
    work_order = services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.IN_PROGRESS
    services.work_order_transition(actor=cast.mechanic, work_order=work_order, status=WorkOrderStatus.COMPLETED)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
    assert list(appointment.status_changes.values_list("to_status", "note")) == [
        ("in_progress", work_order.number),
        ("completed", work_order.number),
    ]


def test_a_confirmed_appointment_nobody_checked_in_stays_as_it_is(cast, appointment) -> None:
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.save()
    work_order = services.work_order_create_from_appointment(actor=cast.receptionist, appointment=appointment)
    services.work_order_transition(actor=cast.receptionist, work_order=work_order, status=WorkOrderStatus.IN_PROGRESS)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


# --- From a walk-in ticket ----------------------------------------------------------------------------------------


@pytest.fixture
def ticket(cast, clock):
    return TicketFactory(
        queue=QueueFactory(location=cast.location), name="Ana Pérez", phone="+56911112222", plate="ZZXY-99"
    )


def test_a_ticket_s_plate_finds_the_client_s_vehicle(cast, vehicle, ticket) -> None:
    ticket.customer, ticket.plate = cast.client, "bc-df 12"
    ticket.save()
    work_order = services.work_order_create_from_ticket(actor=cast.receptionist, ticket=ticket, description="Aceite")
    assert (work_order.vehicle, work_order.client, work_order.ticket) == (vehicle, cast.client, ticket)
    assert Vehicle.objects.filter(owner=cast.client).count() == 1


def test_a_ticket_without_a_client_creates_the_client_and_the_vehicle(cast, ticket) -> None:
    work_order = services.work_order_create_from_ticket(
        actor=cast.receptionist, ticket=ticket, description="Aceite", make="Kia", model="Rio"
    )
    client = work_order.client
    assert (client.role, client.first_name, client.phone) == (Role.CLIENT, "Ana Pérez", "+56911112222")
    assert (work_order.vehicle.plate, work_order.vehicle.owner) == ("ZZXY99", client)
    assert work_order.ticket == ticket


def test_a_new_vehicle_needs_its_make_and_model_and_nothing_is_written(cast, ticket) -> None:
    users = type(cast.client).objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.work_order_create_from_ticket(actor=cast.receptionist, ticket=ticket, description="Aceite")
    assert {"make", "model"} <= set(refused.value.errors)
    assert type(cast.client).objects.count() == users
    assert not WorkOrder.objects.exists()


def test_a_ticket_gets_one_work_order(cast, vehicle, ticket) -> None:
    ticket.customer = cast.client
    ticket.save()
    services.work_order_create_from_ticket(actor=cast.receptionist, ticket=ticket, description="x", plate="BCDF12")
    with pytest.raises(ApplicationError) as refused:
        services.work_order_create_from_ticket(actor=cast.receptionist, ticket=ticket, description="y", plate="BCDF12")
    assert refused.value.status == 409


def test_a_completed_walk_in_is_called_back_to_the_desk(cast, vehicle, ticket) -> None:
    from autoagenda.walkins import selectors as walkin_selectors
    from autoagenda.walkins.models import TicketStatus

    ticket.customer, ticket.status = cast.client, TicketStatus.DONE
    ticket.save()
    desk = DeskFactory(location=cast.location, name="Mesón 2")
    work_order = services.work_order_create_from_ticket(
        actor=cast.receptionist, ticket=ticket, description="x", plate="BCDF12"
    )
    with pytest.raises(ApplicationError) as early:
        services.work_order_pickup_call(actor=cast.receptionist, work_order=work_order, desk=desk)
    assert early.value.code == "invalid_transition"
    for status in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED):
        services.work_order_transition(actor=cast.receptionist, work_order=work_order, status=status)
    ticket.refresh_from_db()
    assert ticket.ready_at is not None
    services.work_order_pickup_call(actor=cast.receptionist, work_order=work_order, desk=desk)
    current = walkin_selectors.display_state(cast.location.pk)["current"]
    assert (current["number"], current["desk"], current["pickup"]) == (ticket.code, "Mesón 2", True)


def test_another_location_s_staff_may_not_create_at_this_one(cast, vehicle, clock) -> None:
    stranger = StaffFactory(role=Role.RECEPTIONIST, location=cast.other_location)
    with pytest.raises(PermissionDenied):
        _create(cast, vehicle, actor=stranger)
