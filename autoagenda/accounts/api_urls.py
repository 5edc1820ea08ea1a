from django.urls import path

from autoagenda.accounts import api

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/password/", api.PasswordChangeView.as_view(), name="api-password-change"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("staff/", api.StaffListCreateView.as_view(), name="api-staff-list"),
    path("staff/<id:pk>/", api.StaffDetailView.as_view(), name="api-staff-detail"),
    path("staff/<id:pk>/deactivate/", api.StaffDeactivateView.as_view(), name="api-staff-deactivate"),
    path("professional-applications/", api.ApplicationListCreateView.as_view(), name="api-application-list"),
    path("professional-applications/<id:pk>/", api.ApplicationDetailView.as_view(), name="api-application-detail"),
    path(
        "professional-applications/<id:pk>/approve/",
        api.ApplicationApproveView.as_view(),
        name="api-application-approve",
    ),
    path(
        "professional-applications/<id:pk>/reject/", api.ApplicationRejectView.as_view(), name="api-application-reject"
    ),
]
