from django.urls import path

from autoagenda.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("<id:pk>/", views.invoice_detail, name="detail"),
    path("<id:pk>/pdf/", views.invoice_pdf, name="pdf"),
    path("<id:pk>/payments/", views.payment_record, name="pay"),
    path("<id:pk>/payments/<id:payment_pk>/void/", views.payment_void, name="void"),
    path("<id:pk>/cancel/", views.invoice_cancel, name="cancel"),
]
