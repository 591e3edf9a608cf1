from django.urls import path

from . import views

app_name = "service"
urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/export/", views.request_export, name="export"),
    path("requests/new/", views.intake, name="intake"),
    path("requests/new/customers/", views.intake_customers, name="intake_customers"),
    path("requests/new/products/", views.intake_products, name="intake_products"),
    path("requests/new/terms/", views.intake_terms, name="intake_terms"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/do/<slug:action>/", views.request_action, name="action"),
]
