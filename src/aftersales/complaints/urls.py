from django.urls import path

from .views import cases, stats

app_name = "complaints"
urlpatterns = [
    path("", cases.complaint_list_view, name="list"),
    path("export.xlsx", cases.complaint_export, name="export"),
    path("new/", cases.complaint_new, name="new"),
    path("monthly/", stats.monthly_report, name="monthly"),
    path("monthly.xlsx", stats.monthly_report_excel, name="monthly_excel"),
    path("deductions/", stats.deductions, name="deductions"),
    path("deductions.xlsx", stats.deductions_excel, name="deductions_excel"),
    path("from-case/<int:case_pk>/", cases.complaint_from_case, name="from_case"),
    path("<int:pk>/", cases.complaint_detail, name="detail"),
    path("<int:pk>/print/", cases.complaint_print, name="print"),
    path("<int:pk>/aid/", cases.complaint_aid, name="aid"),
    path("<int:pk>/<str:action>/", cases.complaint_action, name="action"),
]
