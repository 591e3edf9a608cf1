from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.code_view, name="code"),
    path("login/link/<str:token>/", views.link_view, name="link"),
    path("logout/", views.logout_view, name="logout"),
    path("new/", views.new_request, name="new"),
    path("statement/", views.statement, name="statement"),
    path("statement.xlsx", views.statement_excel, name="statement_excel"),
    path("seminars/<int:pk>/answer/", views.seminar_answer, name="seminar_answer"),
    # Printed as a QR code on vouchers, receipts and repair cards: keep this path.
    path("requests/<str:number>/", views.request_detail, name="request"),
    path("requests/<str:number>/agree/", views.agree, name="agree"),
    path("requests/<str:number>/decline/", views.decline, name="decline"),
]
