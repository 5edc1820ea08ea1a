from django.urls import path

from autoagenda.billing import api

urlpatterns = [
    path("invoices/", api.InvoiceListView.as_view(), name="api-invoices"),
    path("invoices/<id:pk>/", api.InvoiceDetailView.as_view(), name="api-invoice"),
    path("invoices/<id:pk>/payments/", api.InvoicePaymentsView.as_view(), name="api-invoice-payments"),
    path(
        "invoices/<id:pk>/payments/<id:payment_pk>/void/",
        api.PaymentVoidView.as_view(),
        name="api-invoice-payment-void",
    ),
    path("invoices/<id:pk>/cancel/", api.InvoiceCancelView.as_view(), name="api-invoice-cancel"),
    path("invoices/<id:pk>/pdf/", api.InvoicePDFView.as_view(), name="api-invoice-pdf"),
]
