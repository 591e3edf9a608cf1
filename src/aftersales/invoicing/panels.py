"""What invoicing adds to other apps' pages (core.panels)."""

from aftersales.core.panels import Panel

from .choices import AGEING_BUCKETS, InvoicingMode
from .models import Invoice, InvoicingPreference
from .models.base import READ_ROLES
from .permissions import may_issue
from .selectors import customer_balance

RECENT_INVOICES = 5


def _reads(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in READ_ROLES)


def customer_balance_panel(http_request, customer) -> dict | None:
    """A customer's page: what he owes (invoiced − paid − credited, by age), his latest
    invoices and how he is invoiced (now, later, never)."""
    user = http_request.user
    if not _reads(user):
        return None
    balance = customer_balance(customer)
    preference = InvoicingPreference.objects.filter(customer=customer).first()
    mode = preference.mode if preference else InvoicingMode.NOW
    return {
        "customer": customer, "balance": balance,
        "aged": [(label, amount) for (_k, label, *_r), amount
                 in zip(AGEING_BUCKETS, balance.bucket_list, strict=True)],
        "invoices": list(Invoice.objects.restrict(user).filter(customer=customer)
                         .order_by("-issued_at", "-id")[:RECENT_INVOICES]),
        "mode": mode, "mode_label": dict(InvoicingMode.choices)[mode],
        "note": preference.note if preference else "", "modes": InvoicingMode.choices,
        "may_issue": may_issue(user), "request": http_request,
    }


def reports_money_card(http_request, subject) -> dict | None:
    return {} if _reads(http_request.user) else None


PANELS = {
    "customer.detail": [
        Panel(template="invoicing/panels/customer_balance.html",
              context=customer_balance_panel, order=30),
    ],
    "reports.index": [
        Panel(template="invoicing/panels/reports_card.html", context=reports_money_card,
              order=30),
    ],
}
