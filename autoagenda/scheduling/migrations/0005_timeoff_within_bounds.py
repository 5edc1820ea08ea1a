"""Bring time off stored before core.bounds within the years 2000-2100, then let the database refuse any other.

A row wholly outside (a day in year 1) is deleted; a row that runs past an edge (0001-01-01 to 9999-12-31) is cut
at it. Values are written out here: migrations never import app code.
"""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
LATEST = datetime.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)


def clamp(apps, schema_editor):
    rows = apps.get_model("scheduling", "TimeOff").objects
    rows.filter(Q(end__lte=EARLIEST) | Q(start__gte=LATEST)).delete()
    rows.filter(start__lt=EARLIEST).update(start=EARLIEST)
    rows.filter(end__gt=LATEST).update(end=LATEST)


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0004_availability_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='timeoff',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', datetime.datetime(2101, 1, 1, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)), ('start__gte', datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc))), name='scheduling_timeoff_within_bounds'),
        ),
    ]
