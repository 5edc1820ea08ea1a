from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from autoagenda.core.models import TimeStampedModel


class Vehicle(TimeStampedModel):
    """A client's vehicle. The plate is stored normalised (upper case, no spaces or dashes)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vehicles")
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    plate = models.CharField(_("plate"), max_length=16)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    mileage = models.PositiveIntegerField(_("mileage (km)"), null=True, blank=True)
    color = models.CharField(_("colour"), max_length=30, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    # Decoded from the VIN (vininfo): kept so lists need no decoding.
    vin_manufacturer = models.CharField(_("manufacturer (from VIN)"), max_length=120, blank=True)
    vin_country = models.CharField(_("country (from VIN)"), max_length=60, blank=True)
    # A vehicle with history (appointments; later work orders) is never deleted, only archived: it leaves the
    # booking choices and stays on its past appointments.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ("plate",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["owner", "plate"], name="customers_vehicle_plate_unique_per_owner"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100), name="customers_vehicle_year_range"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["plate"], name="customers_vehicle_plate")]

    def __str__(self) -> str:
        return f"{self.make} {self.model} ({self.plate})"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class MileageSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    WORK_ORDER = "work_order", _("Work-order intake")


class VehicleMileage(models.Model):
    """One odometer reading of a vehicle, when and where it came from; service-due reminders read this history.

    `reference` names what recorded it (`OT-2026-00042`) without a foreign key, so customers needs no app above.
    """

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="mileage_readings")
    mileage = models.PositiveIntegerField(_("mileage (km)"))
    recorded_at = models.DateTimeField(_("recorded"))
    source = models.CharField(_("source"), max_length=16, choices=MileageSource.choices, default=MileageSource.MANUAL)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mileage reading")
        verbose_name_plural = _("mileage readings")
        ordering = ("vehicle", "recorded_at", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(mileage__gte=0, mileage__lte=9_999_999), name="customers_vehiclemileage_range"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in MileageSource]), name="customers_vehiclemileage_source"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["vehicle", "recorded_at"], name="customers_mileage_vehicle")]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.mileage} km"
