"""What the dealer pages share: who may open them, and running a service for a form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError

from aftersales.accounts.choices import Role
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors, error_text
from aftersales.core.views import roles_required

HQ_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
NETWORK_ROLES = frozenset({Role.MANAGER, Role.ADMIN})

hq_required = roles_required(HQ_ROLES)
network_required = roles_required(NETWORK_ROLES)
dealer_or_hq_required = roles_required(HQ_ROLES | {Role.DEALER})
audit_required = roles_required(HQ_ROLES | {Role.AGENT})


def is_dealer(user) -> bool:
    return getattr(user, "role", None) == Role.DEALER


def run(request, call, *, form=None) -> bool:
    """Call a service; its errors go next to the form's fields (or into a page message)."""
    try:
        call()
    except PermissionDenied as error:
        raise Forbidden(str(error.message or "")) from None
    except ValidationError as error:
        if form is not None:
            apply_errors(form, error)
        else:
            messages.error(request, error_text(error))
        return False
    except ConflictError as error:
        messages.error(request, str(error.message))
        return False
    return True
