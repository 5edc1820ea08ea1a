"""The isolation sweep's counts in pytest's summary line (tests/api_platform/test_isolation_sweep.py records them
with `record_property("isolation_sweep", {...})`): "isolation sweep: 437 of 437 routes × 4 intruders …".

A plugin that the root conftest loads (`pytest_plugins`), not hooks beside the sweep: under pytest-xdist (`make
test` runs `-n 2`) the controller, which writes the summary, loads only the conftests of the paths it was given
(`tests/`), never those of the subdirectories its workers collect; the workers' reports reach it with their
`user_properties`, and this plugin is registered there too."""

from __future__ import annotations

from typing import Any

import pytest

SWEEP_COUNTS: dict[str, int] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        for name, value in report.user_properties:
            if name == "isolation_sweep":
                SWEEP_COUNTS.update(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SWEEP_COUNTS:
        c = SWEEP_COUNTS
        terminalreporter.write_line(
            f"isolation sweep: {c['routes']} of {c['resolved']} routes × 4 intruders "
            f"(other location's manager, receptionist, mechanic; another client): "
            f"{c['attempts']} requests, {c['leaks']} leaks"
        )
