from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autoagenda.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from autoagenda.core import checks  # noqa: F401  (registers system checks)
        from autoagenda.core.converters import IdConverter

        register_converter(IdConverter, "id")
