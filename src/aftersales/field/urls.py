from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/step/<str:step>/", views.job_step, name="job_step"),
    path("jobs/<int:pk>/record/", views.job_record, name="job_record"),
    path("jobs/<int:pk>/hours/", views.job_hours, name="job_hours"),
    path("jobs/<int:pk>/parts/", views.job_parts, name="job_parts"),
    path("jobs/<int:pk>/totals/", views.job_totals, name="job_totals"),
    path("jobs/<int:pk>/parts/search/", views.part_search, name="part_search"),
    path("jobs/<int:pk>/finish/<str:step>/", views.job_finish, name="job_finish"),
    path("workshop/", views.workshop, name="workshop"),
    path("workshop/<int:pk>/", views.repair_card, name="repair_card"),
    path("workshop/<int:pk>/<str:step>/", views.card_step, name="card_step"),
    path("print/<int:pk>/voucher/", views.print_voucher, name="print_voucher"),
    path("print/<int:pk>/receipt/", views.print_receipt, name="print_receipt"),
    path("print/<int:pk>/repair-card/", views.print_repair_card, name="print_repair_card"),
]
