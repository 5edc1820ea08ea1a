"""Mounted at /notifications/ (namespace "notifications"); the feed itself is routed in config/urls.py."""

from django.urls import path

from autoagenda.notifications import views
from autoagenda.notifications.selfservice import views as selfservice

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("<id:pk>/read/", views.mark_read, name="read"),
    path("<id:pk>/delete/", views.delete, name="delete"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/test/", views.send_test, name="send_test"),
    path("outbox/<id:pk>/retry/", views.outbox_retry, name="retry"),
    path("calendar-feed/", views.calendar_feed_page, name="calendar_feed"),
    # The links in confirmations and reminders: no login, the signed token is the key.
    path("a/<str:token>/", selfservice.selfservice, name="selfservice"),
]
