from django.urls import path

from .views import certificate, field, home, plans, portal

app_name = "maintenance"
urlpatterns = [
    path("", home.home, name="home"),
    path("generate/", home.generate, name="generate"),
    path("plans/new/", plans.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_edit, name="plan_edit"),
    path("visits/<int:pk>/certificate/", certificate.certificate, name="certificate"),
    path("jobs/<int:pk>/checklist/", field.job_checklist, name="job_checklist"),
    path("jobs/<int:pk>/photo/", field.job_photo, name="job_photo"),
    path("jobs/<int:pk>/reading/", field.job_reading, name="job_reading"),
    path("portal/reading/", portal.customer_reading, name="portal_reading"),
]
