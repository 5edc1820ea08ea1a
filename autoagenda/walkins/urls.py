"""The walk-in queue on the web, mounted at /queue/ (namespace "walkins")."""

from django.urls import path

from autoagenda.walkins import views
from autoagenda.walkins.display import views as display_views

app_name = "walkins"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:location_id>/reception/", views.reception, name="reception"),
    path("<id:location_id>/desks/", views.desk_picker, name="desks"),
    path("<id:location_id>/setup/", views.setup, name="setup"),
    path("<id:location_id>/queues/new/", views.queue_create, name="queue_create"),
    path("<id:location_id>/desks/new/", views.desk_create, name="desk_create"),
    path("queues/<id:pk>/edit/", views.queue_edit, name="queue_edit"),
    path("desks/<id:pk>/", views.desk_panel, name="desk"),
    path("desks/<id:pk>/edit/", views.desk_edit, name="desk_edit"),
    path("desks/<id:pk>/open/", views.desk_open, name="desk_open"),
    path("desks/<id:pk>/close/", views.desk_close, name="desk_close"),
    path("desks/<id:pk>/call-next/", views.desk_call_next, name="desk_call_next"),
    # One route per ticket action (all named "desk_ticket"; reverse with action=…).
    *(
        path(
            f"desks/<id:pk>/tickets/<id:ticket_id>/{action}/",
            views.desk_ticket_action,
            {"action": action},
            "desk_ticket",
        )
        for action in views.TICKET_ACTIONS
    ),
    path("tickets/<id:pk>/", views.ticket_print, name="ticket"),
    path("locations/<id:location_id>/display/", display_views.display, name="display"),
]
