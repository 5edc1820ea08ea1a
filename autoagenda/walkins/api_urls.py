from django.urls import path

from autoagenda.walkins import api

urlpatterns = [
    path("locations/<int:pk>/queues/", api.LocationQueuesView.as_view(), name="api-location-queues"),
    path("locations/<int:pk>/desks/", api.LocationDesksView.as_view(), name="api-location-desks"),
    path("locations/<int:pk>/display/", api.DisplayView.as_view(), name="api-location-display"),
    path("queues/<int:pk>/", api.QueueDetailView.as_view(), name="api-queue"),
    path("queues/<int:pk>/tickets/", api.QueueTicketsView.as_view(), name="api-queue-tickets"),
    path("desks/<int:pk>/", api.DeskDetailView.as_view(), name="api-desk"),
    path("desks/<int:pk>/open/", api.DeskOpenView.as_view(), name="api-desk-open"),
    path("desks/<int:pk>/close/", api.DeskCloseView.as_view(), name="api-desk-close"),
    path("desks/<int:pk>/call-next/", api.DeskCallNextView.as_view(), name="api-desk-call-next"),
    path("tickets/", api.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", api.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/recall/", api.TicketRecallView.as_view(), name="api-ticket-recall"),
    path("tickets/<int:pk>/start/", api.TicketStartView.as_view(), name="api-ticket-start"),
    path("tickets/<int:pk>/finish/", api.TicketFinishView.as_view(), name="api-ticket-finish"),
    path("tickets/<int:pk>/no-show/", api.TicketNoShowView.as_view(), name="api-ticket-no-show"),
    path("tickets/<int:pk>/cancel/", api.TicketCancelView.as_view(), name="api-ticket-cancel"),
    path("tickets/<int:pk>/transfer/", api.TicketTransferView.as_view(), name="api-ticket-transfer"),
]
