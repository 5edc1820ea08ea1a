"""A child process of tests/billing/test_two_processes.py: completes the work orders it is given, on the test's
database, once the parent says go (a line on stdin), and prints one JSON line: each work order's outcome.

    python tests/billing/race_child.py <actor id> <work order id> ...
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from autoagenda.accounts.models import User
    from autoagenda.core.errors import ApplicationError
    from autoagenda.workorders import services
    from autoagenda.workorders.models import WorkOrder

    actor = User.objects.get(pk=int(sys.argv[1]))
    orders = list(WorkOrder.objects.filter(pk__in=[int(pk) for pk in sys.argv[2:]]).order_by("pk"))
    print("ready", flush=True)
    sys.stdin.readline()
    outcome: dict[int, str] = {}
    for order in orders:
        try:
            services.work_order_transition(actor=actor, work_order=order, status="completed")
            outcome[order.pk] = "completed"
        except ApplicationError as exc:
            outcome[order.pk] = exc.code
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
