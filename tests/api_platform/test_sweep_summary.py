"""The isolation sweep's summary line reaches pytest's terminal summary under pytest-xdist too (the plugin in
tests/sweep_summary.py), run on a stand-in test that records the same property."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = """
def test_sweep(record_property):
    record_property("isolation_sweep", {"resolved": 3, "routes": 3, "attempts": 24, "leaks": 0})
"""


def test_the_summary_line_is_printed_by_the_controller_under_two_workers(pytester, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    (pytester.path / "deep").mkdir()
    (pytester.path / "deep" / "test_stand_in.py").write_text(STAND_IN)
    result = pytester.runpytest_subprocess(
        "-q", "-n", "2", "-p", "tests.sweep_summary", "-p", "no:cacheprovider", "-p", "no:django"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["isolation sweep: 3 of 3 routes × 4 intruders *: 24 requests, 0 leaks"])


def test_no_line_when_the_sweep_did_not_run(pytester, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile("def test_other():\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-q", "-n", "2", "-p", "tests.sweep_summary", "-p", "no:cacheprovider", "-p", "no:django"
    )
    result.assert_outcomes(passed=1)
    assert "isolation sweep" not in result.stdout.str()


def test_the_root_conftest_loads_the_plugin_so_that_the_xdist_controller_has_it() -> None:
    from tests import conftest

    assert "tests.sweep_summary" in conftest.pytest_plugins
