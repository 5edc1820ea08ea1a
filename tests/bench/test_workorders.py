"""bench/workorders.py's own logic, without servers: the verdict needs both the latency and a constant count."""

import importlib.util
import sys
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("bench_workorders", Path(__file__).parents[2] / "bench" / "workorders.py")
bench = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("bench_workorders", bench)  # its dataclasses look their module up
SPEC.loader.exec_module(bench)


def run(p95: float, full: int, one: int, statuses=None) -> dict:
    board = {"n": 8, "p50": 1.0, "p95": p95, "p99": p95, "rate": 10.0, "kib": 1.0, "statuses": statuses or {200: 8}}
    return {"board": board, "queries": {"full": full, "one_mechanic": one, "few_cards": 3}, "open": 300, "debug": "0"}


def test_the_verdict_passes_only_a_fast_board_with_a_constant_query_count():
    assert bench.verdict(run(40.0, 10, 10)) == (True, True, True)
    assert bench.verdict(run(60.0, 10, 10)) == (False, True, False)
    assert bench.verdict(run(40.0, 310, 13)) == (True, False, False)
    assert bench.verdict(run(40.0, 10, 10, {200: 7, 500: 1}))[0] is False


def test_the_report_has_a_row_per_database_with_its_verdict():
    rows = bench.report_rows({"postgres": run(40.0, 10, 10), "sqlite": run(80.0, 10, 10)})
    assert len(rows) == 4
    assert "**PASS**" in rows[2]
    assert "PostgreSQL" in rows[2]
    assert "**FAIL**" in rows[3]
    assert "p95 FAIL" in rows[3]


def test_the_smoke_sizes_are_tiny_and_the_full_one_is_the_issue_s():
    assert bench.Params().work_orders == 300
    assert bench.Params().clients == 8
