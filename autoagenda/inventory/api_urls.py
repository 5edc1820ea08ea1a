from django.urls import path

from autoagenda.inventory import api

urlpatterns = [
    path("products/", api.ProductListCreateView.as_view(), name="api-products"),
    path("products/<id:pk>/", api.ProductDetailView.as_view(), name="api-product"),
    path("products/<id:pk>/stock-moves/", api.ProductStockMovesView.as_view(), name="api-product-stock-moves"),
    path("products/<id:pk>/stock/", api.ProductStockView.as_view(), name="api-product-stock"),
    path("locations/<id:pk>/low-stock/", api.LocationLowStockView.as_view(), name="api-location-low-stock"),
]
