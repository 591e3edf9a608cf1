"""The OpenAPI schema documents every answer an operation can give, errors included.

``AutoSchema`` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds the error responses of the API's one
error format (api/errors.py, api-contract.md "Conventions") to each operation, so no view repeats
them:

- 400 bad input: each offending field (or ``non_field_errors``) with its messages; a body that is
  no JSON at all gives ``detail``;
- 401 no or a wrong token, 403 not allowed, 404 not found or not yours to see, 409 an illegal
  state change or a stale write, 422 an ``Idempotency-Key`` reused with another body,
  429 too many tries: ``detail`` and, where there is one, a ``code``.

tests/test_api_schema.py runs schemathesis over this schema against the application.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    """Every error but bad input: what went wrong, in the request's language."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="A stable code for programs, when there is one.")


# DRF names each field with a list of messages; a field of a nested object or list names its own
# fields in turn; a body that cannot be read at all gives {"detail": "..."}.
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each offending field (``non_field_errors`` for the input as a whole) with "
                   "what is wrong with it, in the request's language.",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "string"},
            {"type": "object"},
        ],
    },
    "example": {"phone": ["Enter a valid phone number."]},
}


class AutoSchema(openapi.AutoSchema):
    def _error_responses(self) -> dict[str, OpenApiResponse]:
        error = ErrorSerializer
        validation = self._validation_error_ref()
        method = self.method.upper()
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes = {"400": OpenApiResponse(validation, _("Bad input"))}
        if not public:
            codes |= {
                "401": OpenApiResponse(error, _("No valid token or session")),
                "403": OpenApiResponse(error, _("Not allowed")),
                "404": OpenApiResponse(error, _("Not found, or not yours to see")),
            }
            if method in UNSAFE:
                codes["409"] = OpenApiResponse(error, _("An illegal state change or a stale write"))
            if method == "POST":
                codes["422"] = OpenApiResponse(
                    error, _("The Idempotency-Key was already used for another request"))
        if self.view.get_throttles():
            codes["429"] = OpenApiResponse(error, _("Too many requests: try again later"))
        return codes

    def _validation_error_ref(self) -> dict:
        component = ResolvedComponent(name="ValidationError", type=ResolvedComponent.SCHEMA,
                                      object="ValidationError", schema=VALIDATION_ERROR_SCHEMA)
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
