"""Print where to sign in and the demo accounts, so `make run` shows how to try each role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse

from autoagenda.accounts.models import User
from autoagenda.site.demo import data as demo


def login_url() -> str:
    try:
        path = reverse("accounts:login")
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


class Command(BaseCommand):
    help = "List the demo logins (role, location, email, password) loaded by load_demo."

    def handle(self, *args: Any, **options: Any) -> None:
        emails = [person.email for person in demo.all_people()]
        users = {
            u.email: u
            for u in User.objects.filter(email__in=emails).prefetch_related("memberships__location").order_by()
        }
        if not users:
            self.stdout.write("No demo data yet: run `python manage.py load_demo`.")
            return
        password = demo.demo_password()
        rows = [("ROLE", "LOCATION", "EMAIL", "PASSWORD")]
        for email in emails:
            user = users.get(email)
            if user is None:
                continue
            places = ", ".join(sorted(m.location.name for m in user.memberships.all()))
            if not places:
                places = "all locations" if user.is_admin else "-"
            rows.append((user.role, places, user.email, password))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write(f"  Sign in at {login_url()}")
        self.stdout.write(f"  Demo logins (every demo account uses the password {password!r}; demo only):")
        self.stdout.write("")
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write("")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"  API docs: {site}/api/docs/   Django back office (admin only): {site}/backoffice/")
