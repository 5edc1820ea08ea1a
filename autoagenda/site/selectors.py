from __future__ import annotations

from typing import Any

from autoagenda.accounts.models import User
from autoagenda.site import registry


def dashboard_for(user: User) -> dict[str, Any]:
    """What the home page shows `user`: the panels the apps declare (site/registry.py) that are for them."""
    panels = []
    for panel in registry.dashboard_panels():
        data = panel.data(user)
        if data is not None:
            panels.append({"template": panel.template, "data": data})
    return {"role": user.role, "panels": panels}
