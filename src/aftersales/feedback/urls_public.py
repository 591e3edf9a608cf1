"""The survey's public address, short enough for a text message: /s/<token>/."""

from django.urls import path

from .views import survey

app_name = "survey"
urlpatterns = [
    path("thanks/", survey.thanks, name="thanks"),
    path("<str:token>/", survey.answer, name="answer"),
]
