from django.urls import path

from autoagenda.core.views import placeholder  # TEMPORARY: replace every use

app_name = "accounts"
urlpatterns = [
    path("login/", placeholder, name="login"),
    path("logout/", placeholder, name="logout"),
    path("signup/", placeholder, name="signup"),
    path("profile/", placeholder, name="profile"),
    path("password/", placeholder, name="password_change"),
    path("password/reset/", placeholder, name="password_reset"),
    path("users/", placeholder, name="user_list"),
    path("users/new/", placeholder, name="user_create"),
    path("users/<int:pk>/", placeholder, name="user_edit"),
    path("users/<int:pk>/deactivate/", placeholder, name="user_deactivate"),
    path("apply/", placeholder, name="apply"),
    path("applications/", placeholder, name="application_list"),
    path("applications/<int:pk>/decide/", placeholder, name="application_decide"),
]
