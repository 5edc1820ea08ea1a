"""Stored phones rewritten as E.164 where they can be read; others are left as typed.

The country of a number without "+" is the person's first location's, else PHONE_DEFAULT_REGION (the same rule
as the services, repeated here because migrations never import app code).
"""

import phonenumbers
from django.conf import settings
from django.db import migrations


def _e164(raw, region):
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    StaffMembership = apps.get_model("accounts", "StaffMembership")
    default = (getattr(settings, "PHONE_DEFAULT_REGION", "CL") or "CL").upper()
    regions = {}
    for user_id, country in StaffMembership.objects.order_by("-pk").values_list("user_id", "location__country"):
        regions[user_id] = country  # ordered newest first, so the first membership wins
    for user in User.objects.exclude(phone="").only("pk", "phone").iterator():
        normalised = _e164(user.phone.strip(), (regions.get(user.pk) or default).upper())
        if normalised and normalised != user.phone:
            User.objects.filter(pk=user.pk).update(phone=normalised)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_notification_preferences")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
