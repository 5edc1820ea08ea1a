from django.urls import path

from autoagenda.notifications import api

urlpatterns = [
    path("notifications/", api.InboxListView.as_view(), name="api-inbox"),
    path("notifications/read-all/", api.InboxReadAllView.as_view(), name="api-inbox-read-all"),
    path("notifications/outbox/", api.OutboxListView.as_view(), name="api-outbox"),
    path("notifications/outbox/<id:pk>/retry/", api.OutboxRetryView.as_view(), name="api-outbox-retry"),
    path("notifications/<id:pk>/", api.InboxDetailView.as_view(), name="api-inbox-detail"),
    path("notifications/<id:pk>/read/", api.InboxReadView.as_view(), name="api-inbox-read"),
    path("me/calendar-feed/", api.CalendarFeedView.as_view(), name="api-calendar-feed"),
    path("me/calendar-feed/rotate/", api.CalendarFeedRotateView.as_view(), name="api-calendar-feed-rotate"),
]
