from django.urls import path

from autoagenda.deposits import api

urlpatterns = [
    path("appointments/<id:pk>/deposit/", api.DepositView.as_view(), name="api-appointment-deposit"),
    path(
        "appointments/<id:pk>/deposit/checkout/",
        api.DepositCheckoutView.as_view(),
        name="api-appointment-deposit-checkout",
    ),
    path("payments/webhook/<str:provider>/", api.WebhookView.as_view(), name="api-payments-webhook"),
]
