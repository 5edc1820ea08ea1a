from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkinsConfig(AppConfig):
    name = "autoagenda.walkins"
    label = "walkins"
    verbose_name = _("Walk-in queue")
