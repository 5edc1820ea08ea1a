from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "autoagenda.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # The work-order buttons on the appointment panel and the desk's ticket (core/slots.py).
        from django.db.models.signals import post_delete, post_save

        from autoagenda.workorders import live, panels
        from autoagenda.workorders.models import TimeEntry, WorkOrder

        panels.register()
        # The job board's rendered columns are kept per board version (live.py): any write of a work order or a
        # clock moves it, whoever makes it.
        for model in (WorkOrder, TimeEntry):
            post_save.connect(
                live.board_touched_by, sender=model, dispatch_uid=f"workorders.board.save.{model.__name__}"
            )
            post_delete.connect(
                live.board_touched_by, sender=model, dispatch_uid=f"workorders.board.delete.{model.__name__}"
            )
