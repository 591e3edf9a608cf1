"""The API's body parsers (REST_FRAMEWORK DEFAULT_PARSER_CLASSES): DRF's, with three limits
that make hostile bodies a 400 in the error format (api-contract.md "Conventions"):

- the body is at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (DRF reads a JSON or form body
  straight from the request, past Django's check);
- JSON nests at most ``MAX_DEPTH`` levels (100,000 ``[`` made the decoder raise RecursionError,
  a 500); no resource of the API nests more than a few;
- no text holds a control character (core.validators, the rule the input middleware applies to
  query strings and form posts): each offending field is named.
"""

import codecs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

from aftersales.core.middleware import NON_FIELD, body_error_message, query_errors
from aftersales.core.validators import control_character, control_character_message

MAX_DEPTH = 32


def _read(stream) -> bytes:
    """The whole body, refused past the size limit (Django's own check for request.body)."""
    if stream is None:
        return b""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise ParseError(body_error_message(RequestDataTooBig()))
    return body


def _field(path: list) -> str:
    return ".".join(str(part) for part in path) or NON_FIELD


def json_check(data) -> None:
    """Walks the parsed JSON without recursion: too deep → ParseError; a control character in
    a key or a string → ValidationError naming where it is (``items.0.note``)."""
    errors: dict[str, list[str]] = {}
    stack = [(data, [])]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested more than %(depth)d levels deep.")
                             % {"depth": MAX_DEPTH})
        if isinstance(value, dict):
            for key, item in value.items():
                char = control_character(key)
                if char is not None:
                    errors.setdefault(_field(path), [control_character_message(char)])
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(value))
        elif isinstance(value, str):
            char = control_character(value)
            if char is not None:
                errors.setdefault(_field(path), [control_character_message(char)])
    if errors:
        raise ValidationError(errors)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        body = _read(stream)
        try:
            text = codecs.decode(body, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_("The JSON body is nested more than %(depth)d levels deep.")
                             % {"depth": MAX_DEPTH}) from None
        except ValueError as exc:  # UnicodeDecodeError is one too
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        json_check(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        data = QueryDict(_read(stream), encoding=encoding)
        errors = query_errors(data)
        if errors:
            raise ValidationError(errors)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser checks the size of the fields itself (RequestDataTooBig, made
    a 400 by api/errors.py)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        errors = query_errors(result.data)
        if errors:
            raise ValidationError(errors)
        return result
