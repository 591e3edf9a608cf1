from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("health/", lambda request: HttpResponse("ok")),  # bench.common.gunicorn waits for it
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
