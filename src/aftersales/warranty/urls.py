from django.urls import path

from . import views

app_name = "warranty"
urlpatterns = [
    path("", views.outcome_list_view, name="home"),
    path("requests/<int:pk>/decide/", views.outcome_decide, name="decide"),
    path("<int:pk>/unit-received/", views.unit_received_view, name="unit_received"),
    path("<int:pk>/unit-disposed/", views.unit_disposed_view, name="unit_disposed"),
    path("<int:pk>/refund-paid/", views.refund_paid_view, name="refund_paid"),
    path("<int:pk>/evidence/", views.evidence_add_view, name="evidence_add"),
]
