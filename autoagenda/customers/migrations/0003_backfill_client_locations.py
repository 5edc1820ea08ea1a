"""Every location that has served a client so far (an appointment, a walk-in ticket naming them) serves them.

`accounts.ClientLocation` is the link; the backfill stays here, where the link was first introduced, because it
reads the vehicles' neighbours (appointments, tickets) and must run after them.

Plain model classes from `apps` only (no app code), so it keeps working whatever the apps become.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    Appointment = apps.get_model("scheduling", "Appointment")
    Ticket = apps.get_model("walkins", "Ticket")
    ClientLocation = apps.get_model("accounts", "ClientLocation")
    pairs = set(Appointment.objects.values_list("client_id", "location_id").distinct())
    pairs |= set(Ticket.objects.filter(customer__isnull=False).values_list("customer_id", "location_id").distinct())
    existing = set(ClientLocation.objects.values_list("client_id", "location_id"))
    ClientLocation.objects.bulk_create(
        [
            ClientLocation(client_id=client_id, location_id=location_id, source="backfill")
            for client_id, location_id in sorted(pairs - existing)
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_clientlocation"),
        ("customers", "0002_vehicle_archive"),
        ("scheduling", "0006_vehicle_with_history_is_protected"),
        ("walkins", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
