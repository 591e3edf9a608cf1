"""Filter classes the filtersets share (django-filter), for input django-filter lets through.

IsoDateTimeFilter: an ISO 8601 time with a UTC offset no time zone has (``-21:49``) was passed
on to the database, which PostgreSQL refuses (offsets beyond ±15:59): a 500. Offsets beyond
±14:00 (the widest any zone uses) are a validation error, so a 400 naming the filter in the API
and a form error on a page; the time is handed on in UTC.
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
