from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The shell around every app: home and dashboard, navigation, error pages, demo data.

    The top layer: it may import any app, and no app imports it (they contribute through `<app>/shell.py`).
    """

    name = "autoagenda.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from autoagenda.site import registry

        registry.collect()
