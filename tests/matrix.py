"""The authorization matrix every app's tests run: each member of the cast, plus anonymous."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

ROLES = [
    "admin",
    "manager",
    "receptionist",
    "mechanic",
    "client",
    "outsider",
    "other_manager",
    "other_receptionist",
    "other_mechanic",
    "anonymous",
]


def expect(table: Mapping[str, Any]) -> list[Any]:
    """One test case per role with its expected outcome; a table must name every role."""
    missing = set(ROLES) - set(table)
    assert not missing, f"the matrix leaves out {sorted(missing)}"
    return [pytest.param(who, table[who], id=who) for who in ROLES]
