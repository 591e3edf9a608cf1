"""Which roles may open which pages: the decorators every app's views use."""

from aftersales.core.views import roles_required

from .choices import DESK_ROLES, STAFF_ROLES, Role

DISPATCH_ROLES = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

desk_required = roles_required(DESK_ROLES)
dispatch_required = roles_required(DISPATCH_ROLES)
staff_required = roles_required(STAFF_ROLES)  # every staff role, customers not
