"""The integration API's endpoints for feedback (read only; the rules live in the app's services).

- ``surveys/``: each completed job's satisfaction survey (FB-1, FB-2) — when it went out, whether
  and how it was answered, the four ratings (1–4) and their score on 0–100. Filters: ``request``,
  ``customer``, ``technician``, ``answered`` (true/false), ``answered_after`` /
  ``answered_before``.
- ``follow-up-cases/``: what a low score or a complaint heard in a survey or a call opened for
  the service department (FB-3, FB-4), with its reply deadline and outcome. Filters: ``status``,
  ``serious``, ``complaint``, ``request``, ``customer``, ``service_centre``.
Who sees which rows is the pages' rule: the desk its centre's, a technician his own surveys.
Customers answer surveys through their link, not here.
"""

from django_filters import rest_framework as filters
from rest_framework import serializers

from aftersales.core.filters import IsoDateTimeFilter
from aftersales.feedback.models import FollowUpCase, Survey

from .serializers import ModelSerializer
from .views import RestrictedViewSet

READ_ONLY = ["get", "head", "options"]  # the API reads feedback; customers answer by their link


class SurveySerializer(ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    state = serializers.ChoiceField(
        choices=["scheduled", "sent", "answered", "expired"], read_only=True,
        help_text="scheduled (not sent yet), sent (waiting for the answer), answered, expired.")
    score = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="The four ratings' mean on 0–100: (mean − 1) / 3 × 100; null until answered.")

    class Meta:
        model = Survey
        fields = ["id", "request", "request_number", "customer", "technician", "channel",
                  "due_at", "sent_at", "reminded_at", "expires_at", "state", "answered_at",
                  "answered_via", "attitude", "skill", "punctuality", "promise", "score",
                  "comment", "may_call"]
        read_only_fields = fields


class SurveyFilterSet(filters.FilterSet):
    answered = filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)
    answered_after = IsoDateTimeFilter(field_name="answered_at", lookup_expr="gte")
    answered_before = IsoDateTimeFilter(field_name="answered_at", lookup_expr="lt")

    class Meta:
        model = Survey
        fields = ["request", "customer", "technician"]


class FollowUpCaseSerializer(ModelSerializer):
    request_number = serializers.CharField(source="request.number", read_only=True)
    reasons = serializers.ListField(
        child=serializers.DictField(), read_only=True,
        help_text='Why it was opened: {"kind": "rating", "item": "punctuality", "rating": 2}, '
                  '{"kind": "word" or "serious_word", "word": "投诉"}, {"kind": "call"}.')

    class Meta:
        model = FollowUpCase
        fields = ["id", "number", "request", "request_number", "service_centre", "customer",
                  "source", "survey", "call", "status", "serious", "complaint", "reasons",
                  "summary", "reply_due_at", "replied_at", "handler", "outcome",
                  "customer_told_at", "closed_at", "created_at"]
        read_only_fields = fields


class FollowUpCaseFilterSet(filters.FilterSet):
    class Meta:
        model = FollowUpCase
        fields = ["status", "serious", "complaint", "request", "customer", "service_centre"]


class SurveyViewSet(RestrictedViewSet):
    """Completed jobs' satisfaction surveys, read only."""

    model = Survey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet
    http_method_names = READ_ONLY

    def get_queryset(self):
        return super().get_queryset().select_related("request")


class FollowUpCaseViewSet(RestrictedViewSet):
    """Follow-up cases opened by low scores and complaints, read only."""

    model = FollowUpCase
    serializer_class = FollowUpCaseSerializer
    filterset_class = FollowUpCaseFilterSet
    http_method_names = READ_ONLY

    def get_queryset(self):
        return super().get_queryset().select_related("request")


# (prefix, viewset, basename): api/urls.py registers every route listed here.
ROUTES: list = [("surveys", SurveyViewSet, "survey"),
                ("follow-up-cases", FollowUpCaseViewSet, "follow-up-case")]
