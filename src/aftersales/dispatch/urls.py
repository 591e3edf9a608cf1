from django.urls import path

from . import views

app_name = "dispatch"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("<int:pk>/items/<int:item_pk>/move/", views.plan_move, name="plan_move"),
    path("<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("<int:pk>/replan/", views.plan_replan, name="plan_replan"),
]
