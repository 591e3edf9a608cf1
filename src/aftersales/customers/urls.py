from django.urls import path

from . import views, views_contracts

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("contracts/", views_contracts.contract_list_view, name="contracts"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", views_contracts.contract_edit, name="contract_edit"),
    path("<int:customer_pk>/contracts/new/", views_contracts.contract_new, name="contract_new"),
    path("renewals/", views_contracts.renewal_list_view, name="renewals"),
    path("renewals/<int:pk>/renew/", views_contracts.renewal_renew, name="renewal_renew"),
    path("renewals/<int:pk>/lose/", views_contracts.renewal_lose, name="renewal_lose"),
]
