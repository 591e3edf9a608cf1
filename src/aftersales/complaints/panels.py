"""What complaints add to other apps' pages (core.panels)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.find import FIND_PAGE, Hit, find_panel, find_section, may_open
from aftersales.core.panels import Panel

from .choices import OPEN_STATUSES
from .models import Complaint
from .selectors import complaint_list, internal_reader


def case_handover_panel(http_request, case) -> dict | None:
    """A follow-up case's page (FB-4): its complaint, or the button that hands it over."""
    user = http_request.user
    complaint = Complaint.objects.restrict(user).filter(follow_up_case=case).first()
    from aftersales.feedback.models import FollowUpCase

    may = FollowUpCase.objects.restrict(user, "change").filter(pk=case.pk).exists()
    if complaint is None and not may:
        return None
    return {"complaint": complaint, "case": case, "may_hand_over": may and complaint is None}


RECENT_COMPLAINTS = 5


def customer_complaints_panel(http_request, customer) -> dict | None:
    """A customer's page: his complaints, newest first (nothing when he has none)."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    rows = (Complaint.objects.restrict(user).filter(customer=customer)
            .order_by("-received_at", "-id"))
    complaints = list(rows[:RECENT_COMPLAINTS])
    if not complaints:
        return None
    return {"complaints": complaints, "count": rows.count(), "customer": customer}


def customer_open_complaint_alert(http_request, customer) -> dict | None:
    """A caller's alert at the intake: a complaint of his still open (CP-15: he is answered
    within a day and settled within a month — the agent should know before he speaks)."""
    if not may_open(http_request.user, DESK_ROLES):
        return None
    number = (Complaint.objects.restrict(http_request.user).filter(customer=customer)
              .filter(status__in=OPEN_STATUSES).order_by("-received_at", "-id")
              .values_list("number", flat=True).first())
    return {"number": number} if number else None


def order_complaints_panel(http_request, order) -> dict | None:
    """An online-shop order's page: the complaints that name its number (CP-3) — its buyer's,
    and anyone's whose customer is not known — newest first."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    complaints = list(Complaint.objects.restrict(user).filter(order_ref__iexact=order.number)
                      .filter(Q(customer=order.customer_id) | Q(customer__isnull=True))
                      .order_by("-received_at", "-id")[:RECENT_COMPLAINTS])
    return {"complaints": complaints, "order": order} if complaints else None


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: a card with the monthly complaint statistics (RP-5) and, for
    readers of the internal form, the month's penalty deductions for payroll (CP-13)."""
    user = http_request.user
    desk = may_open(user, DESK_ROLES)
    internal = internal_reader(user)
    if not (desk or internal):
        return None
    return {"statistics": desk, "deductions": internal}


def complaint_find(http_request, q) -> dict | None:
    """Quick find: complaints as their list's search box finds them (number, order, part,
    who complains, phone, text), newest first."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    number = q.replace(" ", "").upper()

    def hit(complaint):
        return Hit(url=reverse("complaints:detail", args=[complaint.pk]), label=complaint.number,
                   detail=f"{complaint.who} · {complaint.get_status_display()}",
                   exact=complaint.number == number)

    return find_section(_("Complaints"), complaint_list(user=user, q=q), hit,
                        more="complaints:list", q=q)


PANELS = {
    FIND_PAGE: [find_panel(complaint_find, order=30)],
    "customer.alerts": [Panel(template="complaints/panels/customer_alert.html",
                              context=customer_open_complaint_alert, order=20)],
    "customer.detail": [Panel(template="complaints/panels/customer_complaints.html",
                              context=customer_complaints_panel, order=45)],
    "feedback_case.detail": [Panel(template="complaints/panels/case_handover.html",
                                   context=case_handover_panel, order=10)],
    "reports.index": [Panel(template="complaints/panels/reports_card.html",
                            context=reports_card_panel, order=40)],
    "shop_order.detail": [Panel(template="complaints/panels/order_complaints.html",
                                context=order_complaints_panel, order=40)],
}
