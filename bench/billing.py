"""Billing benchmark (issue 13), run by `make bench`.

(a) Completions: N work orders in progress at one location, each with 3 part lines (linked to stocked products
    when part lines carry a product) and a labor line, completed through `work_order_transition` by 8 client
    processes at once on PostgreSQL — each completion takes its parts out of stock (where inventory does that)
    and issues the numbered invoice in the same transaction. Reports completions/s (goal ≥ 150/s), the ledger's
    drift (stock rows that differ from the sum of their moves; goal 0) and the gaps and repeats in the invoice
    numbers (goal 0).
(b) PDF: the time to make one invoice's PDF, repeated over the invoices just issued (goal p95 ≤ 50 ms).

`--quick` (or BENCH_SMOKE=1) is a smoke run (40 work orders, 2 processes, 20 PDFs) that checks the benchmark
works; it does not write bench/RESULTS.md unless `--write` is given. A full run writes its block there (between
its markers). The PostgreSQL database `aa_bench_billing` (BENCH_BILLING_DB to name another) is made afresh and
dropped at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "RESULTS.md"
BLOCK = "billing"
PG = "postgres@127.0.0.1:5432"
DB_NAME = os.environ.get("BENCH_BILLING_DB", "aa_bench_billing")  # another name when two runs share a server
ADMIN_DSN = f"postgresql://{PG}/postgres"
DATABASE_URL = f"postgres://{PG}/{DB_NAME}"
TARGET_RATE = 150.0
TARGET_PDF_MS = 50.0
PASSWORD = secrets.token_urlsafe(16)  # nobody logs in: the processes call the services

ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "TESTING": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def log(message: str) -> None:
    print(f"[bench billing] {message}", flush=True)


def admin_execute(*statements: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # constant statements: the database name is this module's constant


def create_database() -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
    )


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    admin_execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


def _part_lines_have_products() -> bool:
    from django.core.exceptions import FieldDoesNotExist

    from autoagenda.workorders.models import PartLine

    try:
        PartLine._meta.get_field("product")
    except FieldDoesNotExist:
        return False
    return True


def seed(count: int) -> dict[str, Any]:
    """A Chilean location, its manager, 3 stocked products, `count` work orders in progress with their lines."""
    from autoagenda.accounts.models import Role, StaffMembership, User
    from autoagenda.customers.models import Vehicle
    from autoagenda.inventory.models import Product
    from autoagenda.inventory.services import stock_receive
    from autoagenda.locations.models import Location
    from autoagenda.workorders.models import LaborLine, PartLine, WorkOrder, WorkOrderStatus

    location = Location.objects.create(name="Taller Bench", timezone="America/Santiago", country="CL")
    manager = User.objects.create_user(email="bench.manager@example.com", password=PASSWORD, role=Role.MANAGER)
    StaffMembership.objects.create(user=manager, location=location, role=Role.MANAGER)
    client = User.objects.create_user(email="bench.client@example.com", password=PASSWORD, role=Role.CLIENT)
    vehicle = Vehicle.objects.create(owner=client, make="Toyota", model="Yaris", year=2020, plate="BENCH1")
    products = []
    for n in range(3):
        product = Product.objects.create(
            sku=f"BENCH-{n}", name=f"Repuesto {n}", price=Decimal(9990), currency="CLP", tax_rate=Decimal(19)
        )
        product.locations.add(location)
        stock_receive(actor=manager, product=product, location=location, quantity=count * 2, supplier="Bench")
        products.append(product)
    linked = _part_lines_have_products()
    ids = []
    for n in range(count):
        work_order = WorkOrder.objects.create(
            location=location, year=2026, sequence=n + 1, number=WorkOrder.format_number(2026, n + 1),
            client=client, vehicle=vehicle, description="Bench", status=WorkOrderStatus.IN_PROGRESS,
        )  # fmt: skip
        LaborLine.objects.create(work_order=work_order, description="Mano de obra", hours=1, rate=30000, tax_rate=19)
        for product in products:
            extra = {"product": product} if linked else {}
            PartLine.objects.create(
                work_order=work_order, description=product.name, quantity=1, unit_price=product.price,
                tax_rate=19, **extra,
            )  # fmt: skip
        ids.append(work_order.pk)
    return {"location": location.pk, "manager": manager.pk, "ids": ids, "linked": linked}


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds used so far by the PostgreSQL backend `pid` (None where /proc does not show it: another host)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _client(ids: list[int], manager_id: int, start: Any, out: Any) -> None:
    """One client process: complete its share of the work orders, one transaction each. Reports its errors, the
    CPU it used (and its database backend used) while completing, and the statements it sent."""
    setup_django()
    from django.db import connection

    from autoagenda.accounts.models import User
    from autoagenda.workorders.models import WorkOrder
    from autoagenda.workorders.services import work_order_transition

    manager = User.objects.get(pk=manager_id)
    work_orders = list(WorkOrder.objects.select_related("location", "client", "vehicle").filter(pk__in=ids))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    start.wait()
    errors = 0
    cpu, backend_cpu = time.process_time(), _backend_cpu(backend)
    with connection.execute_wrapper(count):
        for work_order in work_orders:
            try:
                work_order_transition(actor=manager, work_order=work_order, status="completed")
            except Exception:  # counted and reported: a benchmark keeps going
                errors += 1
    after = _backend_cpu(backend)
    used = None if after is None or backend_cpu is None else after - backend_cpu
    # BEGIN and COMMIT are not cursor statements: counted here as the two they are.
    out.put((errors, time.process_time() - cpu, used, statements + 2 * len(work_orders)))


def completions(seeded: dict[str, Any], processes: int) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    ids = seeded["ids"]
    shares = [ids[i::processes] for i in range(processes)]
    workers = [context.Process(target=_client, args=(share, seeded["manager"], start, out)) for share in shares]
    for worker in workers:
        worker.start()
    time.sleep(3.0)  # let every process import Django and load its work orders before the gun
    began = time.perf_counter()
    start.set()
    reports = [out.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=60)
    errors = sum(report[0] for report in reports)
    backends = [report[2] for report in reports]
    return {
        "count": len(ids),
        "errors": errors,
        "seconds": elapsed,
        "rate": (len(ids) - errors) / elapsed,
        "client_ms": 1000 * sum(report[1] for report in reports) / len(ids),
        "backend_ms": None if None in backends else 1000 * sum(b for b in backends if b is not None) / len(ids),
        "statements": sum(report[3] for report in reports) / len(ids),
    }


def checks(location_id: int) -> dict[str, Any]:
    from django.db.models import Sum

    from autoagenda.billing.models import Invoice
    from autoagenda.inventory.models import StockLevel, StockMove

    sequences = sorted(Invoice.objects.filter(location_id=location_id).values_list("sequence", flat=True))
    expected = list(range(1, len(sequences) + 1))
    gaps = len(set(expected) - set(sequences))
    repeats = len(sequences) - len(set(sequences))
    sums = {
        (row["product_id"], row["location_id"]): row["total"]
        for row in StockMove.objects.values("product_id", "location_id").annotate(total=Sum("quantity"))
    }
    drift = sum(
        1 for level in StockLevel.objects.all() if sums.get((level.product_id, level.location_id), 0) != level.quantity
    )
    moves = StockMove.objects.filter(location_id=location_id).count()
    return {"invoices": len(sequences), "gaps": gaps, "repeats": repeats, "drift": drift, "moves": moves}


def pdf_times(location_id: int, count: int) -> dict[str, float]:
    from autoagenda.billing import pdf
    from autoagenda.billing.models import Invoice
    from autoagenda.billing.selectors import invoice_with_lines

    ids = list(Invoice.objects.filter(location_id=location_id).values_list("pk", flat=True)[:count])
    invoices = [invoice_with_lines(pk) for pk in ids]
    pdf.invoice_pdf(invoices[0])  # the first one loads fpdf2 and fontTools
    times = []
    for invoice in invoices:
        began = time.perf_counter()
        pdf.invoice_pdf(invoice)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


SMOKE = "**SMOKE RUN** (tiny sizes): the figures say nothing; `make bench` writes the real ones."


def _mark(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def report(
    a: dict[str, Any], c: dict[str, Any], p: dict[str, float], *, processes: int, quick: bool, linked: bool
) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    stock = "3 parts each taken from stock" if linked else "3 part lines each (not linked to products on this build)"
    lines = [
        "# Billing (issue 13): completion with its invoice, and the invoice PDF",
        "",
        *(
            ["**SMOKE RUN** (tiny sizes): the figures say nothing; `make bench` writes the real ones.", ""]
            if quick
            else []
        ),
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average at the end {load}",
        f"- Workload: {a['count']} work orders in progress at one location, {stock} and a labor line, completed by "
        f"{processes} client processes on PostgreSQL (`work_order_transition`, one transaction each: stock, invoice, "
        f"history, outbox)",
        "- Command: `make bench` (= .venv/bin/python bench/billing.py among the others)",
        "",
        "| measure | result | goal |",
        "| --- | --- | --- |",
        f"| completions with their invoice, {processes} processes | {a['rate']:.0f}/s ({a['count'] - a['errors']} in "
        f"{a['seconds']:.1f} s, {a['errors']} errors) {_mark(a['rate'] >= TARGET_RATE and not a['errors'])} "
        "| ≥ 150/s |",
        f"| CPU per completion: client process, its PostgreSQL backend | {a['client_ms']:.1f} ms, "
        f"{'n/a' if a['backend_ms'] is None else format(a['backend_ms'], '.1f') + ' ms'} "
        f"({a['statements']:.0f} statements) | — |",
        f"| ledger drift (stock rows ≠ sum of their moves) | {c['drift']} ({c['moves']} moves) "
        f"{_mark(c['drift'] == 0)} | 0 |",
        f"| invoice numbers: gaps, repeats | {c['gaps']}, {c['repeats']} ({c['invoices']} invoices) "
        f"{_mark(c['gaps'] == 0 and c['repeats'] == 0)} | 0, 0 |",
        f"| invoice PDF, one at a time ({p['n']} invoices) | p95 {p['p95']:.1f} ms (p50 {p['p50']:.1f}) "
        f"{_mark(p['p95'] <= TARGET_PDF_MS)} | p95 ≤ 50 ms |",
    ]
    return "\n".join(lines) + "\n"


def write_block(text: str) -> None:
    start, end = f"<!-- bench:{BLOCK}:start -->", f"<!-- bench:{BLOCK}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip() + "\n\n" + block
    RESULTS.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="smoke run: 40 work orders, 2 processes, 20 PDFs (also BENCH_SMOKE=1, as for make bench)",
    )
    parser.add_argument("--work-orders", type=int, default=None)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--write", action="store_true", help="write RESULTS.md even with --quick")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    count = args.work_orders or (40 if args.quick else 3000)
    processes = args.processes or (2 if args.quick else 8)
    log(f"database {DB_NAME}: creating")
    create_database()
    setup_django()
    try:
        log(f"seeding {count} work orders")
        seeded = seed(count)
        log(f"completing with {processes} processes")
        a = completions(seeded, processes)
        c = checks(seeded["location"])
        p = pdf_times(seeded["location"], 20 if args.quick else 300)
    finally:
        drop_database()
    text = report(a, c, p, processes=processes, quick=args.quick, linked=seeded["linked"])
    print(text)
    if (args.write or not args.quick) and not args.no_write:
        write_block(text)
        log(f"written to {RESULTS.relative_to(ROOT)}")
    ok = a["rate"] >= TARGET_RATE and not a["errors"] and c["drift"] == 0 and c["gaps"] == c["repeats"] == 0
    return 0 if ok and p["p95"] <= TARGET_PDF_MS else 1


if __name__ == "__main__":
    sys.exit(main())
