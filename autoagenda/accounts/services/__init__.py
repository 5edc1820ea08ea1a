"""Every write on people: sign-up, profile, passwords, staff, professional applications.

Views, the API and commands call these; none of them touches `User` directly.
Failures raise `ApplicationError` and leave the database as it was.

By noun: `clients` (sign-up, profile, passwords, desk-created clients), `staff`, `applications`; the public
services are re-exported here, so callers write `services.staff_create(...)`.
"""

from autoagenda.accounts.services.applications import (
    professional_application_decide,
    professional_application_submit,
)
from autoagenda.accounts.services.base import (
    LANGUAGE_CODES,
)
from autoagenda.accounts.services.clients import (
    DESK_EMAIL_DOMAIN,
    SIGN_UP_EMAIL_INTERVAL_SECONDS,
    SignUp,
    client_create_at_desk,
    client_register,
    is_placeholder_email,
    password_change,
    password_reset_apply,
    profile_update,
)
from autoagenda.accounts.services.staff import (
    staff_create,
    staff_update,
    user_deactivate,
)

__all__ = [
    "DESK_EMAIL_DOMAIN",
    "LANGUAGE_CODES",
    "SIGN_UP_EMAIL_INTERVAL_SECONDS",
    "SignUp",
    "client_create_at_desk",
    "client_register",
    "is_placeholder_email",
    "password_change",
    "password_reset_apply",
    "professional_application_decide",
    "professional_application_submit",
    "profile_update",
    "staff_create",
    "staff_update",
    "user_deactivate",
]
