from django.urls import path

from .views import jobs, pages

app_name = "billing"
urlpatterns = [
    path("", pages.billing_home, name="home"),
    path("takings/", pages.takings, name="takings"),
    path("handovers/", pages.handovers, name="handovers"),
    path("handovers/<int:pk>/", pages.handover_detail, name="handover"),
    path("sheets/", pages.sheets, name="sheets"),
    path("sheets/<int:pk>/", pages.sheet_print, name="sheet"),
    path("sheets/<int:pk>/pay/", jobs.payment_add, name="pay"),
    path("payments/<int:pk>/receipt/", pages.receipt, name="receipt"),
    path("payments/<int:pk>/reverse/", jobs.payment_reverse, name="payment_reverse"),
    path("jobs/<int:pk>/quote/", jobs.quote_make, name="quote_make"),
    path("jobs/<int:pk>/expenses/", jobs.expense_add, name="expense_add"),
    path("expenses/<int:pk>/remove/", jobs.expense_remove, name="expense_remove"),
    path("quotes/<int:pk>/", pages.quote_print, name="quote"),
    path("quotes/<int:pk>/sign/", jobs.quote_sign, name="quote_sign"),
    path("quotes/<int:pk>/phone/", jobs.quote_phone, name="quote_phone"),
    path("quotes/<int:pk>/portal/", jobs.quote_portal, name="quote_portal"),
]
