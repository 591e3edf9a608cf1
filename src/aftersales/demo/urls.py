from django.urls import path

from . import views

app_name = "bench"
# Mounted at /bench/ only when BENCH_ENDPOINTS is true (see config/urls.py).
urlpatterns = [
    path("insert/", views.bench_insert, name="insert"),
    path("api-insert/", views.BenchApiInsert.as_view(), name="api-insert"),
    path("raw-create/", views.BenchRawCreate.as_view(), name="raw-create"),
]
