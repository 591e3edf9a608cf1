from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("dispatch/", views.queue, name="queue"),
    path("dispatch/<int:pk>/assign/", views.queue_assign, name="queue_assign"),
    path("requests/<int:pk>/clocks/<slug:op>/", views.request_clock, name="request_clock"),
    path("dispatch/weather/", views.weather, name="weather"),
    path("dispatch/weather/<int:pk>/", views.weather_notice, name="weather_notice"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("plans/<int:pk>/items/<int:item_pk>/move/", views.plan_move, name="plan_move"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/replan/", views.plan_replan, name="plan_replan"),
]
