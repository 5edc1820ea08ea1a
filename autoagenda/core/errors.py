"""The one error type services raise.

Views map it to a form error or a message; the API maps it to the JSON error
body of API.md with the HTTP status that belongs to its code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Codes that mean "the request conflicts with the current state".
CONFLICT_CODES = frozenset(
    {
        "slot_unavailable",
        "capacity_reached",
        "cancellation_window_passed",
        "insufficient_stock",
        "invalid_transition",
        "overpayment",
        "conflict",
        "vehicle_has_history",
    }
)
STATUS_BY_CODE = {
    "invalid": 400,
    "permission_denied": 403,
    "not_found": 404,
    "throttled": 429,
    "payment_unavailable": 503,
}


class ApplicationError(Exception):
    """A business rule refused the operation; nothing was changed."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = {field: [str(m) for m in msgs] for field, msgs in (errors or {}).items()}

    @property
    def status(self) -> int:
        if self.code in CONFLICT_CODES:
            return 409
        return STATUS_BY_CODE.get(self.code, 400)

    @classmethod
    def invalid(cls, field: str, message: str) -> ApplicationError:
        return cls("invalid", message, errors={field: [message]})
