"""JWT endpoints under /api/v1/ (API.md: auth/token/, auth/token/refresh/, auth/logout/)."""

from django.urls import URLPattern, path

from autoagenda.accounts import api_auth

urlpatterns: list[URLPattern] = [
    path("auth/token/", api_auth.TokenObtainView.as_view(), name="api-auth-token"),
    path("auth/token/refresh/", api_auth.TokenRefreshView.as_view(), name="api-auth-token-refresh"),
    path("auth/logout/", api_auth.LogoutView.as_view(), name="api-auth-logout"),
]
