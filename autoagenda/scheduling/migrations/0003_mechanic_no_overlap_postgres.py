"""On PostgreSQL, the database itself forbids one mechanic's overlapping active bookings.

SQLite has no exclusion constraints; there the booking service's lock and
re-check are the guard (and they are on PostgreSQL too: this is the backstop).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment
    ADD CONSTRAINT scheduling_appointment_mechanic_no_overlap
    EXCLUDE USING gist (
        mechanic_id WITH =,
        tstzrange(start, occupied_until, '[)') WITH &&
    )
    WHERE (mechanic_id IS NOT NULL AND status NOT IN ('cancelled', 'no_show'));
"""
DROP = "ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS scheduling_appointment_mechanic_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_appointments")]

    operations = [migrations.RunPython(create, drop)]
