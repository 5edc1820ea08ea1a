"""System checks for configuration mistakes that Django's own checks miss."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from autoagenda.core.money import CURRENCY_DECIMALS


@register(Tags.compatibility)
def check_currency(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.CURRENCY not in CURRENCY_DECIMALS:
        return [
            Error(
                f"CURRENCY={settings.CURRENCY!r} is not a supported currency.",
                hint="Use one of: " + ", ".join(sorted(CURRENCY_DECIMALS)),
                id="autoagenda.E001",
            )
        ]
    return []
