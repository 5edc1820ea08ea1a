"""bench/workload.py's own logic, without servers: the planned bookings never overlap, the goal table judges."""

import importlib.util
import itertools
import sys
from datetime import datetime, timedelta
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("workload", Path(__file__).parents[2] / "bench" / "workload.py")
workload = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("workload", workload)  # its dataclasses look their module up
SPEC.loader.exec_module(workload)


def test_the_planned_bookings_never_overlap_and_stay_inside_the_opening_hours():
    services = [11, 12, 13]
    duration = {pk: minutes for pk, (minutes, _buffer) in zip(services, workload.SERVICES, strict=True)}
    reach = {pk: minutes + buffer for pk, (minutes, buffer) in zip(services, workload.SERVICES, strict=True)}
    positions = workload.plan_bookings([1, 2, 3], services, 500)
    by_mechanic: dict[int, list[tuple[datetime, datetime]]] = {}
    for mechanic, service, start in positions:
        begin = datetime.fromisoformat(start)
        minute = begin.hour * 60 + begin.minute
        assert minute % 30 == 0
        assert begin.isoweekday() != 7
        assert any(low <= minute and minute + duration[service] <= high for low, high in workload.OPENING)
        by_mechanic.setdefault(mechanic, []).append((begin, begin + timedelta(minutes=reach[service])))
    for spans in by_mechanic.values():
        spans.sort()
        assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans))


def run(p95, rate8, rate1, cheap8, cpu, bookings_rate, p99, overlaps=0, cold=3.0):
    phase = {"p95": p95, "rate": rate8, "cpu_per_request_ms": cpu, "p99": p99, "ok": 10, "n": 10}
    return {
        "avail_8": phase,
        "avail_1": {**phase, "rate": rate1},
        "cheap_8": {**phase, "rate": cheap8},
        "mixed": phase,
        "bookings": {**phase, "rate": bookings_rate},
        "verify": {"overlaps": overlaps},
        "cold": {"p50": cold, "p95": cold},
    }


def test_the_goal_table_has_a_verdict_in_every_cell():
    rows = workload.goal_rows(
        {
            "sqlite": run(40, 100, 90, 110, 2.5, 90, 200),
            "postgres": run(40, 100, 90, 110, 3.5, 90, 200, overlaps=1, cold=6),
        }
    )
    body = rows[2:]
    assert len(body) == 7
    sqlite_cells = [row.split("|")[2] for row in body]
    postgres_cells = [row.split("|")[4] for row in body]
    assert all("**PASS**" in cell for cell in sqlite_cells)
    assert ["PASS" in cell for cell in postgres_cells] == [False, True, True, False, False, False, False]
