"""Form helpers shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError


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
