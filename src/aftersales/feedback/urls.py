from django.urls import path

from .views import cases, desk, survey

app_name = "feedback"
urlpatterns = [
    path("calls/", desk.call_list, name="calls"),
    path("calls/<int:pk>/", desk.call_detail, name="call"),
    path("calls/<int:pk>/record/", desk.call_record, name="call_record"),
    path("calls/<int:pk>/close/", desk.call_close, name="call_close"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/<str:action>/", cases.case_action, name="case_action"),
    path("visits/", desk.visit_list, name="visits"),
    path("visits/<int:pk>/<str:action>/", desk.visit_action, name="visit_action"),
    path("surveys/", desk.survey_list, name="surveys"),
    # Linked from the portal's page of a completed job (the voucher's QR code leads there).
    path("requests/<str:number>/survey/", survey.survey_for_request, name="survey_for_request"),
]
