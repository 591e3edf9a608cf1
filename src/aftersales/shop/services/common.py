from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.exceptions import PermissionDenied


def require_desk(actor) -> None:
    """Shop work is desk work; ``None`` is the system itself (the platform's webhook)."""
    if actor is not None and not (actor.is_superuser or actor.role in DESK_ROLES):
        raise PermissionDenied()
