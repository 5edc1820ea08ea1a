"""The work-order pages, mounted at /work-orders/ (namespace "workorders")."""

from django.urls import path

from autoagenda.workorders.views import boards, client, create, pages

app_name = "workorders"
urlpatterns = [
    path("", pages.index, name="index"),
    path("mine/", client.mine, name="mine"),
    path("estimate/<str:token>/", client.estimate, name="estimate"),
    path("board/<id:location_id>/", boards.board, name="board"),
    path("board/<id:location_id>/cards/<id:pk>/move/", boards.board_move, name="board_move"),
    path("mechanic/", boards.mechanic, name="mechanic"),
    path("mechanic/history/", boards.mechanic_history, name="mechanic_history"),
    *(
        path(f"mechanic/<id:pk>/{action}/", boards.mechanic_action, {"action": action}, "mechanic_action")
        for action in boards.MECHANIC_ACTIONS
    ),
    path("new/<id:location_id>/", create.new, name="new"),
    path("new/<id:location_id>/clients/", create.client_search, name="client_search"),
    path("from-appointment/<id:pk>/", create.from_appointment, name="from_appointment"),
    path("from-ticket/<id:pk>/", create.from_ticket, name="from_ticket"),
    path("<id:pk>/", pages.detail, name="detail"),
    path("<id:pk>/status/", pages.status_view, name="status"),
    path("<id:pk>/assign/", pages.assign_view, name="assign"),
    path("<id:pk>/labor/", pages.labor_view, name="labor"),
    path("<id:pk>/parts/", pages.part_view, name="part"),
    path("<id:pk>/products/", pages.product_choices, name="products"),
    path("<id:pk>/comments/", pages.comment_view, name="comment"),
    path("<id:pk>/clock/", pages.clock_view, name="clock"),
    path("<id:pk>/estimate/", pages.estimate_send_view, name="estimate_send"),
    path("<id:pk>/pickup/", pages.pickup_view, name="pickup"),
]
