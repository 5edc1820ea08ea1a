from django.urls import path

from autoagenda.walkins import api
from autoagenda.walkins.desk import api as desk_api
from autoagenda.walkins.display import api as display_api

urlpatterns = [
    path("locations/<id:pk>/queues/", api.LocationQueuesView.as_view(), name="api-location-queues"),
    path("locations/<id:pk>/desks/", api.LocationDesksView.as_view(), name="api-location-desks"),
    path("locations/<id:pk>/display/", display_api.DisplayView.as_view(), name="api-location-display"),
    path("queues/<id:pk>/", api.QueueDetailView.as_view(), name="api-queue"),
    path("queues/<id:pk>/tickets/", api.QueueTicketsView.as_view(), name="api-queue-tickets"),
    path("desks/<id:pk>/", api.DeskDetailView.as_view(), name="api-desk"),
    path("desks/<id:pk>/open/", desk_api.DeskOpenView.as_view(), name="api-desk-open"),
    path("desks/<id:pk>/close/", desk_api.DeskCloseView.as_view(), name="api-desk-close"),
    path("desks/<id:pk>/call-next/", desk_api.DeskCallNextView.as_view(), name="api-desk-call-next"),
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<id:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<id:pk>/recall/", desk_api.TicketRecallView.as_view(), name="api-ticket-recall"),
    path("tickets/<id:pk>/start/", desk_api.TicketStartView.as_view(), name="api-ticket-start"),
    path("tickets/<id:pk>/finish/", desk_api.TicketFinishView.as_view(), name="api-ticket-finish"),
    path("tickets/<id:pk>/no-show/", desk_api.TicketNoShowView.as_view(), name="api-ticket-no-show"),
    path("tickets/<id:pk>/cancel/", desk_api.TicketCancelView.as_view(), name="api-ticket-cancel"),
    path("tickets/<id:pk>/transfer/", desk_api.TicketTransferView.as_view(), name="api-ticket-transfer"),
]
