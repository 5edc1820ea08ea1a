from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autoagenda.core"
    label = "core"

    def ready(self) -> None:
        from autoagenda.core import checks  # noqa: F401  (registers system checks)
