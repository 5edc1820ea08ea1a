from django.urls import path

from autoagenda.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("low-stock/", views.low_stock, name="low_stock"),
    path("<id:pk>/", views.product_ledger, name="ledger"),
    path("<id:pk>/edit/", views.product_edit, name="edit"),
    path("<id:pk>/receive/", views.stock_form, {"kind": "receive"}, name="receive"),
    path("<id:pk>/adjust/", views.stock_form, {"kind": "adjust"}, name="adjust"),
    path("<id:pk>/transfer/", views.stock_form, {"kind": "transfer"}, name="transfer"),
]
