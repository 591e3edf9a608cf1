"""Who sees which money documents (one place, house style rule 8)."""

from aftersales.accounts.choices import COMPANY_WIDE_ROLES, Role
from aftersales.core.ledger import LedgerQuerySet

MONEY_WIDE_ROLES = COMPANY_WIDE_ROLES | {Role.ACCOUNTANT}

__all__ = ["LedgerQuerySet", "MONEY_WIDE_ROLES", "by_technician", "sees_all", "via_request"]


def sees_all(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in MONEY_WIDE_ROLES)


def via_request(path: str):
    """A rule that follows the service request's own rule (a technician his jobs, a desk its
    centre, a customer his own); the accountant and company-wide roles see everything."""

    def rule(queryset, user, action):
        from aftersales.service.models import ServiceRequest

        if sees_all(user):
            return queryset
        allowed = ServiceRequest.objects.restrict(user, action).values("pk")
        return queryset.filter(**{f"{path}__in": allowed})

    return rule


def by_technician(path: str):
    """Money taken by a technician: he sees his own; his supervisor his centre's."""

    def rule(queryset, user, action):
        if sees_all(user):
            return queryset
        role = getattr(user, "role", None)
        if role == Role.TECHNICIAN:
            return queryset.filter(**{path: user})
        if role == Role.SUPERVISOR and user.service_centre_id:
            return queryset.filter(**{f"{path}__service_centre_id": user.service_centre_id})
        return queryset.none()

    return rule
