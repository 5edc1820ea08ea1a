"""The demo data set, as plain data: `load_demo` writes it and `demo_logins` lists it.

Kept apart from the commands so both read the same people and the tests can
check the database against the same list. Every row names its natural key
(location name, email, plate per owner, service name per location, ...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal

from autoagenda.accounts.models import Role

DEFAULT_DEMO_PASSWORD = "autoagenda-demo-2026"  # noqa: S105  (public demo password, documented as such)
DEMO_EMAIL_DOMAIN = "demo.autoagenda.cl"

PROVIDENCIA = "Taller Providencia"
MADRID = "Taller Madrid Chamberí"


def demo_password() -> str:
    """The one password every demo user shares (env DEMO_PASSWORD; a `.env` file is read by settings)."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def hm(value: str) -> int:
    """'13:30' -> 810: the demo data reads like a timetable."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class LocationSpec:
    name: str
    address: str
    phone: str
    email: str
    timezone: str
    country: str
    # (weekday 1..7, "HH:MM", "HH:MM")
    opening_hours: tuple[tuple[int, str, str], ...]
    slot_minutes: int = 30
    max_appointments_per_hour: int | None = None
    max_appointments_per_day: int | None = None
    tax_rate: Decimal = Decimal("0")
    # Online deposit at booking: a percent of the service's price (None: no deposit), and the hold in minutes.
    deposit_percent: int | None = None
    deposit_hold_minutes: int = 30
    legal_name: str = ""  # printed on invoices
    tax_id: str = ""


WEEKDAYS = (1, 2, 3, 4, 5)

LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec(
        name=PROVIDENCIA,
        address="Av. Providencia 1650, Providencia, Santiago",
        phone="+56222345678",
        email=f"providencia@{DEMO_EMAIL_DOMAIN}",
        timezone="America/Santiago",
        country="CL",
        opening_hours=(
            *((day, "09:00", "13:30") for day in WEEKDAYS),
            *((day, "14:30", "18:30") for day in WEEKDAYS),
            (6, "09:00", "13:00"),
        ),
        max_appointments_per_hour=4,
        max_appointments_per_day=30,
        tax_rate=Decimal("19"),
        legal_name="Servicios Automotrices Providencia SpA",
        tax_id="76.543.210-K",
    ),
    LocationSpec(
        name=MADRID,
        address="Calle de Santa Engracia 45, 28010 Madrid",
        phone="+34910123456",
        email=f"chamberi@{DEMO_EMAIL_DOMAIN}",
        timezone="Europe/Madrid",
        country="ES",
        opening_hours=(
            *((day, "08:30", "14:00") for day in WEEKDAYS),
            *((day, "15:00", "19:00") for day in WEEKDAYS),
        ),
        max_appointments_per_hour=3,
        max_appointments_per_day=24,
        legal_name="Talleres Chamberí S.L.",
        tax_id="B-87654321",
        tax_rate=Decimal("21"),
        # Madrid asks 20 % online when a client books; an unpaid booking keeps its slot for a day.
        deposit_percent=20,
        deposit_hold_minutes=24 * 60,
    ),
)


@dataclass(frozen=True)
class ClosureSpec:
    """`days_ahead` counts from the local date of the first load; fixed `month`/`day` wins when given."""

    location: str
    reason: str
    days_ahead: int = 0
    month: int | None = None
    day: int | None = None
    # None: the whole day; otherwise local "HH:MM" bounds.
    start: str | None = None
    end: str | None = None
    weekday: int | None = None  # move forward to this ISO weekday


CLOSURES: tuple[ClosureSpec, ...] = (
    ClosureSpec(location=PROVIDENCIA, reason="Inventario anual", days_ahead=21, weekday=1),
    ClosureSpec(
        location=PROVIDENCIA,
        reason="Capacitación del equipo en frenos ABS",
        days_ahead=7,
        weekday=5,
        start="14:30",
        end="18:30",
    ),
    ClosureSpec(location=MADRID, reason="San Isidro, fiesta local de Madrid", month=5, day=15),
)


@dataclass(frozen=True)
class PersonSpec:
    email: str
    first_name: str
    last_name: str
    phone: str
    role: str
    location: str | None = None
    language: str = "es"
    # Mechanics only: their own weekly hours when they differ from the location's.
    working_hours: tuple[tuple[int, str, str], ...] = ()
    marketing_opt_in: bool = False


def _email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


STAFF: tuple[PersonSpec, ...] = (
    PersonSpec(_email("admin"), "Andrea", "Valenzuela Ibáñez", "+56991112233", Role.ADMIN),
    # Providencia, Santiago de Chile
    PersonSpec(_email("gerente.providencia"), "Rodrigo", "Sepúlveda Araya", "+56992223344", Role.MANAGER, PROVIDENCIA),
    PersonSpec(
        _email("recepcion.providencia"),
        "Valentina",
        "Contreras Lagos",
        "+56993334455",
        Role.RECEPTIONIST,
        PROVIDENCIA,
    ),
    PersonSpec(
        _email("mecanico1.providencia"),
        "Cristián",
        "Tapia Reyes",
        "+56994445566",
        Role.MECHANIC,
        PROVIDENCIA,
        # Works Tuesday to Saturday: no Mondays, Saturday mornings.
        working_hours=(
            *((day, "09:00", "13:30") for day in (2, 3, 4, 5)),
            *((day, "14:30", "18:30") for day in (2, 3, 4, 5)),
            (6, "09:00", "13:00"),
        ),
    ),
    PersonSpec(_email("mecanico2.providencia"), "Felipe", "Navarro Díaz", "+56995556677", Role.MECHANIC, PROVIDENCIA),
    # Chamberí, Madrid
    PersonSpec(_email("gerente.madrid"), "Carmen", "Ruiz Ortega", "+34611223344", Role.MANAGER, MADRID),
    PersonSpec(_email("recepcion.madrid"), "Marta", "Sánchez Gil", "+34622334455", Role.RECEPTIONIST, MADRID),
    PersonSpec(_email("mecanico1.madrid"), "Sergio", "Moreno Castillo", "+34633445566", Role.MECHANIC, MADRID),
    PersonSpec(
        _email("mecanico2.madrid"),
        "Álvaro",
        "Jiménez Romero",
        "+34644556677",
        Role.MECHANIC,
        MADRID,
        # Jornada intensiva: mornings only.
        working_hours=tuple((day, "08:30", "14:00") for day in WEEKDAYS),
    ),
)


@dataclass(frozen=True)
class VehicleSpec:
    make: str
    model: str
    year: int
    plate: str  # as people write it; stored normalised
    mileage: int
    color: str = ""
    vin: str = ""


@dataclass(frozen=True)
class ClientSpec:
    person: PersonSpec
    vehicles: tuple[VehicleSpec, ...] = field(default_factory=tuple)
    # The workshop the demo books this client's appointments at.
    location: str | None = None


CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec(
        PersonSpec(_email("cliente1"), "Camila", "Rojas Fuentes", "+56987654321", Role.CLIENT, marketing_opt_in=True),
        (VehicleSpec("Toyota", "Yaris", 2019, "KXPT-21", 64_200, "Gris plata", vin="JTDKB3FU6K3512345"),),
        location=PROVIDENCIA,
    ),
    ClientSpec(
        PersonSpec(_email("cliente2"), "Matías", "González Soto", "+56976543210", Role.CLIENT),
        (
            VehicleSpec("Suzuki", "Swift", 2021, "LBHX-54", 31_500, "Rojo", vin="MA3ZC32S9M1234567"),
            VehicleSpec("Chevrolet", "Sail", 2016, "HSRT-77", 128_900, "Blanco"),
        ),
        location=PROVIDENCIA,
    ),
    ClientSpec(
        PersonSpec(_email("cliente3"), "Francisca", "Muñoz Pérez", "+56965432109", Role.CLIENT),
        (
            VehicleSpec("Kia", "Rio 5", 2018, "JJTR-38", 72_000, "Azul", vin="KNADN5124J6123456"),
            VehicleSpec("Mitsubishi", "L200", 2012, "DF-4821", 186_300, "Negro"),
        ),
        location=PROVIDENCIA,
    ),
    ClientSpec(
        PersonSpec(_email("cliente4"), "Javier", "Martín López", "+34655667788", Role.CLIENT, marketing_opt_in=True),
        (
            VehicleSpec("SEAT", "León", 2021, "1234 LMN", 38_700, "Blanco", vin="VSSZZZKL8MR123456"),
            VehicleSpec("Peugeot", "308", 2012, "6650 HBD", 154_000, "Gris"),
        ),
        location=MADRID,
    ),
    ClientSpec(
        PersonSpec(_email("cliente5"), "Lucía", "Fernández García", "+34666778899", Role.CLIENT),
        (VehicleSpec("Renault", "Clio", 2017, "8732 JZB", 96_400, "Rojo", vin="VF1RJA003H0123456"),),
        location=MADRID,
    ),
    ClientSpec(
        PersonSpec(_email("cliente6"), "Emma", "Wilson", "+34677889900", Role.CLIENT, language="en"),
        (VehicleSpec("Volkswagen", "Golf", 2019, "5567 KXW", 58_100, "Azul oscuro", vin="WVWZZZAU5KW123456"),),
        location=MADRID,
    ),
)


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    description: str
    duration_minutes: int
    price_clp: int
    price_eur: str
    buffer_minutes: int = 0
    repeat_months: int | None = None
    repeat_km: int | None = None
    requires_mechanic: bool = True
    # Emails of the only mechanics who do it (empty: every mechanic of the location).
    mechanics: tuple[str, ...] = ()


SERVICES: dict[str, tuple[ServiceSpec, ...]] = {
    PROVIDENCIA: (
        ServiceSpec(
            "Cambio de aceite y filtro",
            "Aceite sintético o semisintético según el fabricante, filtro de aceite nuevo y revisión de niveles.",
            45, 45_000, "59.90", buffer_minutes=15, repeat_months=12, repeat_km=10_000,
        ),
        ServiceSpec(
            "Mantención 10.000 km",
            "Pauta del fabricante: aceite y filtros, frenos, suspensión, luces, correas y escaneo de fallas.",
            120, 89_000, "149.00", buffer_minutes=15, repeat_months=12, repeat_km=10_000,
        ),
        ServiceSpec(
            "Alineación y balanceo",
            "Alineación computarizada de dirección y balanceo de las cuatro ruedas.",
            60, 35_000, "45.00", buffer_minutes=10, repeat_months=12, repeat_km=10_000,
        ),
        ServiceSpec(
            "Diagnóstico computarizado",
            "Lectura de códigos de falla con escáner OBD-II e informe del estado del vehículo.",
            45, 25_000, "39.90", mechanics=(_email("mecanico1.providencia"),),
        ),
        ServiceSpec(
            "Cambio de pastillas de freno",
            "Pastillas delanteras nuevas, revisión de discos y líquido de frenos.",
            90, 55_000, "89.00", buffer_minutes=15, repeat_km=30_000,
        ),
        ServiceSpec(
            "Revisión técnica",
            "Revisamos luces, frenos, emisiones y neumáticos antes de que vaya a la planta de revisión técnica.",
            60, 30_000, "45.00", repeat_months=12,
        ),
        ServiceSpec(
            "Carga de aire acondicionado",
            "Prueba de fugas, vacío y carga de gas refrigerante con aceite del compresor.",
            60, 39_000, "69.00", repeat_months=24,
        ),
        ServiceSpec(
            "Lavado de motor",
            "Limpieza del vano motor con desengrasante y protección de componentes eléctricos.",
            45, 20_000, "30.00", buffer_minutes=15,
        ),
        ServiceSpec(
            "Cambio de neumáticos",
            "Desmontaje y montaje de cuatro neumáticos, válvulas nuevas y balanceo. Neumáticos aparte.",
            60, 24_000, "40.00", repeat_km=40_000,
        ),
        ServiceSpec(
            "Lavado exterior",
            "Lavado a mano de carrocería, llantas y vidrios. No requiere mecánico.",
            30, 10_000, "15.00", requires_mechanic=False,
        ),
    ),
    MADRID: (
        ServiceSpec(
            "Cambio de aceite y filtro",
            "Aceite homologado por el fabricante, filtro de aceite nuevo y control de niveles.",
            45, 55_000, "69.90", buffer_minutes=15, repeat_months=12, repeat_km=15_000,
        ),
        ServiceSpec(
            "Revisión de mantenimiento 15.000 km",
            "Revisión según el libro de mantenimiento: filtros, frenos, suspensión, luces y diagnosis.",
            120, 140_000, "179.00", buffer_minutes=15, repeat_months=12, repeat_km=15_000,
        ),
        ServiceSpec(
            "Alineación y equilibrado",
            "Alineado de dirección por ordenador y equilibrado de las cuatro ruedas.",
            60, 45_000, "49.90", buffer_minutes=10, repeat_months=12, repeat_km=15_000,
        ),
        ServiceSpec(
            "Diagnosis electrónica",
            "Lectura de averías con máquina de diagnosis e informe para el cliente.",
            45, 40_000, "45.00", mechanics=(_email("mecanico1.madrid"),),
        ),
        ServiceSpec(
            "Cambio de pastillas de freno",
            "Pastillas delanteras nuevas, control de discos y del líquido de frenos.",
            90, 75_000, "95.00", buffer_minutes=15, repeat_km=30_000,
        ),
        ServiceSpec(
            "Revisión pre-ITV",
            "Comprobamos luces, frenos, emisiones, neumáticos y holguras antes de pasar la ITV.",
            60, 35_000, "39.00", repeat_months=12,
        ),
        ServiceSpec(
            "Carga de aire acondicionado",
            "Control de fugas, vacío y carga de gas R-1234yf o R-134a según el vehículo.",
            60, 65_000, "79.00", repeat_months=24,
        ),
        ServiceSpec(
            "Lavado de motor",
            "Limpieza del vano motor con desengrasante y protección de la parte eléctrica.",
            45, 28_000, "35.00", buffer_minutes=15,
        ),
        ServiceSpec(
            "Cambio de neumáticos",
            "Montaje y equilibrado de cuatro neumáticos con válvulas nuevas. Neumáticos aparte.",
            60, 40_000, "48.00", repeat_km=40_000,
        ),
        ServiceSpec(
            "Cambio de correa de distribución",
            "Kit de distribución y bomba de agua según el fabricante.",
            240, 330_000, "390.00", buffer_minutes=30, repeat_months=60, repeat_km=120_000,
        ),
        ServiceSpec(
            "Lavado exterior",
            "Lavado a mano de carrocería, llantas y cristales. No necesita mecánico.",
            30, 14_000, "18.00", requires_mechanic=False,
        ),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class TimeOffSpec:
    """Away from the first `weekday` on or after `days_ahead` local days after the first load, for `days` days."""

    email: str
    reason: str
    days_ahead: int
    weekday: int
    days: int = 1
    # None: whole local days; otherwise local "HH:MM" bounds on each day of a one-day absence.
    start: str | None = None
    end: str | None = None


TIME_OFF: tuple[TimeOffSpec, ...] = (
    TimeOffSpec(_email("mecanico2.providencia"), "Vacaciones", days_ahead=14, weekday=1, days=5),
    TimeOffSpec(
        _email("mecanico1.madrid"),
        "Curso de formación en vehículos híbridos",
        days_ahead=7,
        weekday=3,
        start="08:30",
        end="19:00",
    ),
)


@dataclass(frozen=True)
class AppointmentPlan:
    """How the demo fills each calendar: a few bookings on each open local day from today on."""

    days: int = 7
    per_day: tuple[int, ...] = (3, 4)
    seed: int = 2026
    # Given, in turn, to every `notes_every`-th booking at a location until they run out.
    notes: tuple[str, ...] = ("Ruido al frenar", "Revisar luz de motor", "El cliente espera en el taller")
    notes_every: int = 3

    def notes_for(self, index: int) -> str:
        """The notes of a location's `index`-th booking (from 0): the 2nd, 5th, 8th... get one while they last."""
        turn, position = divmod(index, self.notes_every)
        return self.notes[turn] if position == 1 and turn < len(self.notes) else ""


APPOINTMENTS = AppointmentPlan()


def all_people() -> tuple[PersonSpec, ...]:
    return (*STAFF, *(client.person for client in CLIENTS))


def normalise_plate(plate: str) -> str:
    """'KXPT-21' -> 'KXPT21', '1234 LMN' -> '1234LMN' (how Vehicle stores plates)."""
    return "".join(ch for ch in plate.upper() if ch.isalnum())


# --- Walk-in queue (walkins): queues and desks per location ------------------------------------


@dataclass(frozen=True)
class QueueSpec:
    name: str
    prefix: str
    position: int
    # Names of the location's services whose checked-in appointments join this queue ("*": all of them).
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeskSpec:
    name: str
    # Prefixes of the queues the desk serves (empty: every queue).
    queues: tuple[str, ...] = ()


WALKIN_QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("Recepción de vehículos", "A", 1, services=("*",)),
    QueueSpec("Repuestos", "R", 2),
    QueueSpec("Caja", "C", 3),
)
WALKIN_DESKS: tuple[DeskSpec, ...] = (
    DeskSpec("Mesón 1", queues=("A", "R")),
    DeskSpec("Mesón 2", queues=("A", "R")),
    DeskSpec("Caja", queues=("C",)),
)
# Service minutes of yesterday's finished tickets per queue prefix, so the first wait estimates are not the default.
WALKIN_HISTORY: dict[str, tuple[int, ...]] = {
    "A": (12, 8, 15, 10, 9, 14, 11, 7),
    "R": (5, 6, 4, 8, 5),
    "C": (3, 2, 4, 3),
}


# --- notifications: what the outbox page and the bell show besides the bookings' own messages ---------
# (Every demo booking already queues its confirmation, reminders and the staff's in-app alerts.)


@dataclass(frozen=True)
class FailedMessageSpec:
    """A text message the provider refused: the outbox page shows it failed, with its reason and a retry."""

    location: str
    client_email: str
    address: str
    error: str


FAILED_MESSAGES: tuple[FailedMessageSpec, ...] = (
    FailedMessageSpec(
        PROVIDENCIA,
        _email("cliente1"),
        "+5691234",
        "HTTP 400: Twilio 21211: The 'To' number +5691234 is not a valid phone number.",
    ),
)
