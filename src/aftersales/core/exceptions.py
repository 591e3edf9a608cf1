"""The product's error types. The API maps them to status codes in one place (api/errors.py)."""

from django.core.exceptions import ValidationError  # noqa: F401  (re-exported: 400)
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """A state change that is not allowed now, or a stale write: HTTP 409."""

    default_message = _("This change conflicts with the record's current state.")

    def __init__(self, message=None, *, code: str = "conflict"):
        self.message = message or self.default_message
        self.code = code
        super().__init__(str(self.message))


class IllegalTransition(ConflictError):
    def __init__(self, message=None):
        super().__init__(message, code="illegal_transition")


class StaleWrite(ConflictError):
    default_message = _(
        "Someone else changed this record after you opened it. Reload it and try again."
    )

    def __init__(self, message=None):
        super().__init__(message, code="stale_write")


class PermissionDenied(Exception):
    """An action this user may not take on this object (HTTP 403, page: message)."""

    def __init__(self, message=None):
        self.message = message or _("You are not allowed to do this.")
        super().__init__(str(self.message))
