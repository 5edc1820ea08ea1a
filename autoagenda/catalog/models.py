from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from autoagenda.core.models import TimeStampedModel


class Service(TimeStampedModel):
    """Something a location sells by the appointment: an oil change, a diagnosis."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    buffer_minutes = models.PositiveIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    price = models.DecimalField(_("net price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_("Of the net price: its locations' currency. Locations in another currency need a price each."),
    )
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    requires_mechanic = models.BooleanField(_("needs a mechanic"), default=True)
    locations = models.ManyToManyField("locations.Location", related_name="services", verbose_name=_("locations"))
    mechanics = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="services",
        blank=True,
        verbose_name=_("mechanics"),
        help_text=_("Empty: every mechanic of the location."),
    )
    repeat_months = models.PositiveSmallIntegerField(
        _("repeat every (months)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    repeat_km = models.PositiveIntegerField(
        _("repeat every (km)"), null=True, blank=True, validators=[MinValueValidator(100)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[locations, mechanics])

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ("name", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=1440), name="catalog_service_duration_range"
            ),
            models.CheckConstraint(condition=Q(buffer_minutes__lte=240), name="catalog_service_buffer_range"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_service_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="catalog_service_tax_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServicePrice(models.Model):
    """The service's price at one location, in that location's currency.

    One catalogue may serve locations in two currencies (a service offered in Santiago and in Madrid): the
    service's own `price` is in `Service.currency`, and each location in another currency (or that charges
    differently) has a row here. Where neither applies the service has no price at that location.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="prices")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="service_prices")
    price = models.DecimalField(_("net price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Charged at this location (another country's rate); empty takes the service's."),
    )

    class Meta:
        verbose_name = _("price at a location")
        verbose_name_plural = _("prices at locations")
        ordering = ("service", "location")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["service", "location"], name="catalog_serviceprice_unique_location"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_serviceprice_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_rate__isnull=True) | Q(tax_rate__gte=0, tax_rate__lte=100),
                name="catalog_serviceprice_tax_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location_id}: {self.price}"
