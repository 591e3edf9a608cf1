"""What care adds to other apps' pages (core.panels)."""

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.panels import Panel

from .forms import staff_users
from .models import CARE_EDITORS, CareMessage, InfluenceCentre, KeyAccount, SeminarGuest

RECENT_MESSAGES = 5
RECENT_SEMINARS = 3


def customer_key_account_panel(http_request, customer) -> dict | None:
    """A customer's page: key-account status and manager, with a link to the archive, the
    care messages sent to him last (CR-1: greetings, reminders — so nobody sends one twice), the
    user seminars he was invited to, and the influence centre he is."""
    user = http_request.user
    if not (user.is_superuser or user.role in DESK_ROLES):
        account = KeyAccount.objects.restrict(user, "view").filter(customer=customer).first()
        if account is None:
            return None
    else:
        account = KeyAccount.objects.filter(customer=customer).select_related("manager").first()
    may_mark = user.is_superuser or user.role in CARE_EDITORS
    messages = list(CareMessage.objects.restrict(user, "view").filter(customer=customer)
                    .order_by("-sent_at", "-id")[:RECENT_MESSAGES])
    return {"customer": customer, "account": account, "may_mark": may_mark,
            "managers": list(staff_users()) if may_mark and account is None else [],
            "messages": messages,
            # CR-3: the seminars he was asked to, and whether his word brings others
            "seminars": list(SeminarGuest.objects.restrict(user, "view").filter(customer=customer)
                             .select_related("seminar")
                             .order_by("-seminar__starts_at", "-id")[:RECENT_SEMINARS]),
            "influence_centre": InfluenceCentre.objects.restrict(user, "view")
            .filter(customer=customer).first()}


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: a card with the key-account KPIs and the 80/20 analysis."""
    user = http_request.user
    if not (user.is_superuser or user.role in DESK_ROLES):
        return None
    return {}


PANELS = {
    "customer.detail": [
        Panel(template="care/panels/customer_key_account.html",
              context=customer_key_account_panel, order=5),
    ],
    "reports.index": [Panel(template="care/panels/reports_card.html", context=reports_card_panel,
                            order=60)],
}
