from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "autoagenda.customers"
    label = "customers"
    verbose_name = _("customers".capitalize())

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from autoagenda.customers.selectors import forget_vehicle_features
        from autoagenda.locations.models import Location

        post_save.connect(forget_vehicle_features, sender=Location, dispatch_uid="customers-vehicle-features-save")
        post_delete.connect(forget_vehicle_features, sender=Location, dispatch_uid="customers-vehicle-features-delete")
