from django.urls import path

from .views import requests as mr

app_name = "parts"
urlpatterns = [
    path("material-requests/", mr.material_request_list, name="material_requests"),
    path("material-requests/new/", mr.material_request_new, name="material_request_new"),
    path("material-requests/new/<int:job>/", mr.material_request_new,
         name="material_request_new_for_job"),
    path("material-requests/<int:pk>/", mr.material_request_detail, name="material_request"),
    path("material-requests/<int:pk>/pick-list/", mr.print_pick_list,
         name="material_request_pick_list"),
    path("material-requests/<int:pk>/shipping-order/", mr.print_shipping_order,
         name="material_request_shipping_order"),
    path("material-requests/<int:pk>/<str:step>/", mr.material_request_step,
         name="material_request_step"),
]
