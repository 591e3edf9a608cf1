from django.urls import path

from . import views, webhook

app_name = "shop"
urlpatterns = [
    path("", views.home, name="home"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/case/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/step/<str:step>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/message/", views.case_message, name="case_message"),
    path("answers/", views.answer_list, name="answers"),
    path("answers/new/", views.answer_edit, name="answer_new"),
    path("answers/<int:pk>/", views.answer_edit, name="answer_edit"),
    path("metrics/", views.metrics, name="metrics"),
    path("metrics/excel/", views.metrics_excel, name="metrics_excel"),
    path("webhook/<slug:code>/", webhook.webhook, name="webhook"),
]
