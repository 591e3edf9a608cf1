from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/deadlines/", views.deadlines, name="deadlines"),
    path("mine/", views.mine, name="mine"),
    path("parts/", views.parts_monthly_report, name="parts_monthly"),
    path("parts/excel/", views.parts_monthly_excel, name="parts_monthly_excel"),
    path("open/", views.report_open, name="open"),
    path("produce/", views.report_produce, name="produce"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/excel/", views.report_excel, name="excel"),
    path("<int:pk>/run/", views.report_run, name="run"),
    path("<int:pk>/do/<slug:action>/", views.report_action, name="action"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
]
