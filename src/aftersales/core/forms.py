"""Form helpers shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import utc_offset_ok


def apply_errors(form: forms.Form, exc: ValidationError, *, rename: dict | None = None) -> None:
    """Put a service's ValidationError next to the form's fields (or on top if it has none)."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = rename.get(field, field)
            messages = [m for e in errors for m in e.messages]
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class DateTimeField(forms.DateTimeField):
    """A form's date and time: typed without an offset it is local time; an ISO time with a UTC
    offset no time zone has (beyond ±14:00) is refused, not stored (core.filters does the same
    for filters)."""

    default_error_messages = {
        "offset": _("Enter a time whose UTC offset is between -14:00 and +14:00."),
    }

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not utc_offset_ok(result):
            raise ValidationError(self.error_messages["offset"], code="offset")
        return result


def form_error_text(form: forms.Form) -> str:
    """A form's errors as one line for a page message (a form posted from a small inline form
    that has no place of its own to show them)."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def error_text(error: ValidationError) -> str:
    """A service's ValidationError as one line for a page message."""
    if hasattr(error, "message_dict"):
        return " ".join(str(m) for messages in error.message_dict.values() for m in messages)
    return " ".join(str(m) for m in error.messages)

