"""Bring closures stored before core.bounds within the years 2000-2100, then let the database refuse any other.

A row wholly outside (a day in year 1) closes nothing anyone can book and is deleted; a row that runs past an edge
(0001-01-01 to 9999-12-31) is cut at it. Values are written out here: migrations never import app code.
"""

import datetime

from django.db import migrations, models
from django.db.models import Q

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
LATEST = datetime.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)


def clamp(apps, schema_editor):
    rows = apps.get_model("locations", "Closure").objects
    outside = Q(end__lte=EARLIEST) | Q(start__gte=LATEST)
    outside |= Q(date__lt=datetime.date(2000, 1, 1)) | Q(date__gt=datetime.date(2100, 12, 31))
    rows.filter(outside).delete()
    rows.filter(start__lt=EARLIEST).update(start=EARLIEST)
    rows.filter(end__gt=LATEST).update(end=LATEST)


class Migration(migrations.Migration):

    dependencies = [
        ('locations', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='closure',
            constraint=models.CheckConstraint(condition=models.Q(('end__lte', datetime.datetime(2101, 1, 1, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)), ('start__gte', datetime.datetime(1999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc))), name='locations_closure_within_bounds'),
        ),
        migrations.AddConstraint(
            model_name='closure',
            constraint=models.CheckConstraint(condition=models.Q(('date__isnull', True), models.Q(('date__gte', datetime.date(2000, 1, 1)), ('date__lte', datetime.date(2100, 12, 31))), _connector='OR'), name='locations_closure_date_within_bounds'),
        ),
    ]
