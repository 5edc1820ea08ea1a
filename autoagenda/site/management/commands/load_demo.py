"""Load the demo workshops, people, vehicles, services and a week of appointments (Spanish content).

Idempotent: every object is found by its natural key and created only when it
is missing, all in one transaction, so `make run` can call it on every start
without duplicating anything or undoing what a user changed while trying the
demo. `--reset` puts the demo objects back to their demo values (and the demo
password), still without duplicating anything.

Demo users get a public password, so the command refuses to run when DEBUG is
off unless `--force` is given: a production database never gets them by
accident.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from autoagenda.site.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Load the demo locations, users, vehicles, services and appointments (idempotent; demo use only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (demo users share a public password).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put existing demo objects back to their demo values and password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: refusing to create demo users with a public password. "
                "Use --force if this really is a demo server."
            )
        loader = DemoLoader(reset=options["reset"])
        with transaction.atomic():
            loader.load()
        if loader.created:
            summary = ", ".join(f"{count} {name}" for name, count in loader.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already loaded: nothing to add.")
        if loader.restored:
            self.stdout.write(f"Demo values put back on {loader.restored} object(s).")
