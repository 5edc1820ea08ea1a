from django.urls import path

from autoagenda.walkins import api

urlpatterns = [
    path("locations/<id:pk>/queues/", api.LocationQueuesView.as_view(), name="api-location-queues"),
    path("locations/<id:pk>/desks/", api.LocationDesksView.as_view(), name="api-location-desks"),
    path("locations/<id:pk>/display/", api.DisplayView.as_view(), name="api-location-display"),
    path("queues/<id:pk>/", api.QueueDetailView.as_view(), name="api-queue"),
    path("queues/<id:pk>/tickets/", api.QueueTicketsView.as_view(), name="api-queue-tickets"),
    path("desks/<id:pk>/", api.DeskDetailView.as_view(), name="api-desk"),
    path("desks/<id:pk>/open/", api.DeskOpenView.as_view(), name="api-desk-open"),
    path("desks/<id:pk>/close/", api.DeskCloseView.as_view(), name="api-desk-close"),
    path("desks/<id:pk>/call-next/", api.DeskCallNextView.as_view(), name="api-desk-call-next"),
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<id:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<id:pk>/recall/", api.TicketRecallView.as_view(), name="api-ticket-recall"),
    path("tickets/<id:pk>/start/", api.TicketStartView.as_view(), name="api-ticket-start"),
    path("tickets/<id:pk>/finish/", api.TicketFinishView.as_view(), name="api-ticket-finish"),
    path("tickets/<id:pk>/no-show/", api.TicketNoShowView.as_view(), name="api-ticket-no-show"),
    path("tickets/<id:pk>/cancel/", api.TicketCancelView.as_view(), name="api-ticket-cancel"),
    path("tickets/<id:pk>/transfer/", api.TicketTransferView.as_view(), name="api-ticket-transfer"),
]
