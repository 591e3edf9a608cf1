from django.urls import path
from django.views.generic import RedirectView

app_name = "portal"
# Placeholder until the portal pages land; keeps {% url 'portal:login' %} resolvable.
urlpatterns = [
    path("", RedirectView.as_view(url="/login/"), name="home"),
    path("login/", RedirectView.as_view(url="/login/"), name="login"),
]
