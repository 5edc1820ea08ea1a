from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "autoagenda.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from autoagenda.core import checks, sqlite_writes  # noqa: F401  (checks registers system checks)
        from autoagenda.core.converters import IdConverter

        register_converter(IdConverter, "id")
        sqlite_writes.connect()
