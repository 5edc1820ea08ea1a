"""The client's deposit pages, mounted at /deposits/ (namespace "deposits")."""

from django.urls import path

from autoagenda.deposits import views

app_name = "deposits"
urlpatterns = [
    path("appointments/<id:pk>/pay/", views.pay, name="pay"),
    path("appointments/<id:pk>/return/", views.checkout_return, name="return"),
    path("fake-checkout/<str:session_id>/", views.fake_checkout, name="fake_checkout"),
]
