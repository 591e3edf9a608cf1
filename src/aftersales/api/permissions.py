"""Who may use the integration API: staff and the systems that act for them (api-contract.md).

Customers have the portal; with a portal session (or any token of theirs) every endpoint of
/api/v1/ answers 403. The portal's pages use no API endpoint, so none is opened to them. This
is the default permission of every API view (REST_FRAMEWORK in settings); what each staff role
may see and do is then decided by ``restrict`` and the services."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from aftersales.accounts.choices import Role


class StaffOnly(BasePermission):
    message = _("The API is for staff and connected systems. Customers use the service portal.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff_role)


class StaffOrDealer(BasePermission):
    """Staff (as everywhere in the API) and a dealer's login linked to its dealer: the dealer
    endpoints and the faulty parts a dealer owes back let a dealer's system in; ``restrict``
    scopes what it reads to its own dealer."""

    message = StaffOnly.message

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.is_staff_role:
            return True
        return user.role == Role.DEALER and getattr(user, "dealer_link", None) is not None
