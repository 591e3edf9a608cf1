"""What every request must be before a view sees it (issue 9): no NUL or other control
character in a query string or a form body, and a body within the size limits.

One place for the pages, the admin and the API: no view, form, filterset or search box gets
such characters (PostgreSQL refuses NUL in a query, openpyxl refuses control characters in an
export, both would be a 500). JSON bodies are checked with the same rule by the API's parsers
(api/parsers.py). The answer is a 400 naming each offending field: JSON in the API's error
format under /api/, a page elsewhere.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from .validators import control_character, control_character_message, control_characters_strip

API_PREFIX = "/api/"
NON_FIELD = "non_field_errors"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def body_error_message(exc: Exception) -> str:
    """The reason a request body was refused before it was read (also api/errors.py)."""
    if isinstance(exc, RequestDataTooBig):
        return _("The request body is too large.")
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has too many fields.")
    return _("The request body could not be read.")


def query_errors(data) -> dict[str, list[str]]:
    """{field: [message]} for each parameter of a QueryDict holding a control character."""
    errors: dict[str, list[str]] = {}
    for key, values in data.lists():
        for text in (key, *values):
            char = control_character(text)
            if char is not None:
                errors[control_characters_strip(key) or NON_FIELD] = [
                    control_character_message(char)]
                break
    return errors


def _refuse(request, *, errors: dict[str, list[str]] | None = None, detail: str = ""):
    """400: {field: [message]} or {"detail": message} in the API, the page elsewhere."""
    if is_api(request):
        return JsonResponse(errors or {"detail": detail}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    shown = [("" if field == NON_FIELD else field, messages)
             for field, messages in (errors or {NON_FIELD: [detail]}).items()]
    return render(request, "core/bad_input.html", {"errors": shown}, status=400)


class InputCheckMiddleware:
    """Refuses a request whose parameters hold control characters, or whose body is too large.

    Placed after the session, locale and authentication middleware, so that the answer is in
    the user's language and the page has its navigation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = query_errors(request.GET)
        if request.method == "POST":
            try:
                errors.update(query_errors(request.POST))
            except (SuspiciousOperation, MultiPartParserError) as exc:
                return _refuse(request, detail=body_error_message(exc))
        if errors:
            return _refuse(request, errors=errors)
        return self.get_response(request)
