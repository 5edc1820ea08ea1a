from django.urls import path

from autoagenda.workorders.api import estimates, views

urlpatterns = [
    path("work-orders/", views.WorkOrderListView.as_view(), name="api-work-orders"),
    path("work-orders/from-ticket/", views.WorkOrderFromTicketView.as_view(), name="api-work-order-from-ticket"),
    path("work-orders/<id:pk>/", views.WorkOrderDetailView.as_view(), name="api-work-order"),
    path("work-orders/<id:pk>/assign/", views.AssignView.as_view(), name="api-work-order-assign"),
    path("work-orders/<id:pk>/status/", views.StatusView.as_view(), name="api-work-order-status"),
    path("work-orders/<id:pk>/labor/", views.LaborView.as_view(), name="api-work-order-labor"),
    path("work-orders/<id:pk>/labor/<id:line>/", views.LaborDetailView.as_view(), name="api-work-order-labor-line"),
    path("work-orders/<id:pk>/parts/", views.PartsView.as_view(), name="api-work-order-parts"),
    path("work-orders/<id:pk>/parts/<id:line>/", views.PartDetailView.as_view(), name="api-work-order-part-line"),
    path("work-orders/<id:pk>/comments/", views.CommentsView.as_view(), name="api-work-order-comments"),
    path("work-orders/<id:pk>/time-entries/", views.TimeEntriesView.as_view(), name="api-work-order-time-entries"),
    path("work-orders/<id:pk>/estimates/", views.EstimatesView.as_view(), name="api-work-order-estimates"),
    path("work-orders/<id:pk>/pickup-call/", views.PickupCallView.as_view(), name="api-work-order-pickup-call"),
    path("estimates/<str:token>/", estimates.EstimateLinkView.as_view(), name="api-estimate"),
    path("estimates/<str:token>/decision/", estimates.EstimateDecisionView.as_view(), name="api-estimate-decision"),
    path("estimates/<str:token>/approve/", estimates.EstimateApproveView.as_view(), name="api-estimate-approve"),
    path("estimates/<str:token>/decline/", estimates.EstimateDeclineView.as_view(), name="api-estimate-decline"),
]
