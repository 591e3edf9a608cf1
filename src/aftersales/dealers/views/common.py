"""What the dealer pages share: who may open them."""

from aftersales.accounts.choices import Role
from aftersales.core.views import roles_required

HQ_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
NETWORK_ROLES = frozenset({Role.MANAGER, Role.ADMIN})

hq_required = roles_required(HQ_ROLES)
network_required = roles_required(NETWORK_ROLES)
dealer_or_hq_required = roles_required(HQ_ROLES | {Role.DEALER})
dealer_required = roles_required({Role.DEALER})
audit_required = roles_required(HQ_ROLES | {Role.AGENT})


def is_dealer(user) -> bool:
    return getattr(user, "role", None) == Role.DEALER
