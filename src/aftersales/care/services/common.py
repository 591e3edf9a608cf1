"""What every care service shares: who may write."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES, STAFF_ROLES


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _is_desk(user) -> bool:
    return user.is_superuser or user.role in DESK_ROLES


def _staff_user(user, field: str) -> None:
    if user is None or not user.is_active or not (user.is_superuser or user.role in STAFF_ROLES):
        raise ValidationError({field: [_("Choose an active member of staff.")]})
