"""What care adds to other apps' pages (core.panels)."""

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.panels import Panel

from .forms import staff_users
from .models import CARE_EDITORS, KeyAccount


def customer_key_account_panel(http_request, customer) -> dict | None:
    """A customer's page: key-account status and manager, with a link to the archive."""
    user = http_request.user
    if not (user.is_superuser or user.role in DESK_ROLES):
        account = KeyAccount.objects.restrict(user, "view").filter(customer=customer).first()
        if account is None:
            return None
    else:
        account = KeyAccount.objects.filter(customer=customer).select_related("manager").first()
    may_mark = user.is_superuser or user.role in CARE_EDITORS
    return {"customer": customer, "account": account, "may_mark": may_mark,
            "managers": list(staff_users()) if may_mark and account is None else []}


PANELS = {
    "customer.detail": [
        Panel(template="care/panels/customer_key_account.html",
              context=customer_key_account_panel, order=5),
    ],
}
