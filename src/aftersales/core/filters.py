"""Filter classes the filtersets share (django-filter), for input django-filter lets through.

IsoDateTimeFilter: an ISO 8601 time with a UTC offset no time zone has (``-21:49``) was passed
on to the database, which PostgreSQL refuses (offsets beyond ±15:59): a 500. Offsets beyond
±14:00 (the widest any zone uses) are a validation error, so a 400 naming the filter in the API
and a form error on a page; the time is handed on in UTC.

MultipleChoiceFilter: a page's select whose first option is "all" sends an empty value
(``?status=``), which django-filter refused as no valid choice — every filtered list showed
"选择一个有效的选项" when filtered with "all" selected. An empty value now selects nothing.
"""

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import fields

from .dates import utc_offset_ok


class IsoDateTimeField(fields.IsoDateTimeField):
    default_error_messages = {
        "offset": _("Enter a time whose UTC offset is between -14:00 and +14:00."),
    }

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        if not utc_offset_ok(result):
            raise ValidationError(self.error_messages["offset"], code="offset")
        return result.astimezone(UTC)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class MultipleChoiceField(fields.MultipleChoiceField):
    def clean(self, value):
        return super().clean([v for v in (value or []) if v not in self.empty_values])


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """Several choices; an empty value among them (a select's "all") is no choice."""

    field_class = MultipleChoiceField
