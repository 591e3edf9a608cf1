"""What feedback adds to other apps' pages (core.panels): a customer's satisfaction and
follow-up on his page, quick find's follow-up cases."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.find import FIND_PAGE, find_panel, local_day, may_open, number_section
from aftersales.core.panels import Panel

from .models import FollowUpCase, Survey
from .services.common import CASE_PREFIX
from .views.cases import CASE_ROLES


def case_find(http_request, q) -> dict | None:
    """Quick find: follow-up cases by number (FB…)."""
    return number_section(
        http_request, q, prefix=CASE_PREFIX, roles=CASE_ROLES, title=_("Follow-up cases"),
        rows=lambda user: (FollowUpCase.objects.restrict(user, "view").select_related("customer")
                           .order_by("-created_at", "-id")),
        url=lambda case: reverse("feedback:case", args=[case.pk]),
        detail=lambda case: (f"{case.customer.name} · {case.get_status_display()} · "
                             f"{local_day(case.created_at)}"))


RECENT_SURVEYS = 5


def customer_feedback_panel(http_request, customer) -> dict | None:
    """A customer's page: how he rated the jobs done for him (FB-2; the mean of the answered
    surveys and the latest of them) and his open follow-up cases (FB-4) — nothing when he was
    never surveyed."""
    user = http_request.user
    if not may_open(user, DESK_ROLES):
        return None
    surveys = (Survey.objects.restrict(user, "view").filter(customer=customer)
               .select_related("request", "technician"))
    answered = list(surveys.answered().order_by("-answered_at", "-id"))
    latest = answered[:RECENT_SURVEYS]
    unanswered = surveys.unanswered().count()
    if not answered and not unanswered:
        return None
    cases = []
    if may_open(user, CASE_ROLES):
        cases = list(FollowUpCase.objects.restrict(user, "view").filter(customer=customer)
                     .open().select_related("request").order_by("reply_due_at", "id"))
    scores = [survey.score for survey in answered]
    return {"customer": customer, "surveys": latest, "answered": len(answered),
            "unanswered": unanswered, "cases": cases,
            "mean": round(sum(scores) / len(scores)) if scores else None,
            "all_url": f"{reverse('feedback:surveys')}?{urlencode({'q': customer.phone})}"}


def customer_open_case_alert(http_request, customer) -> dict | None:
    """A caller's alert at the intake: a follow-up case of his still open (FB-4: he said he
    was unhappy and is waiting to hear from us). The agent learns that one is open and its
    number, not what is in it: the cases themselves are the supervisors' (``case_rule``)."""
    if not may_open(http_request.user, DESK_ROLES):
        return None
    number = (FollowUpCase.objects.filter(customer=customer).open()
              .order_by("-created_at", "-id").values_list("number", flat=True).first())
    return {"number": number} if number else None


PANELS = {
    FIND_PAGE: [find_panel(case_find, order=35)],
    "customer.alerts": [Panel(template="feedback/panels/customer_alert.html",
                              context=customer_open_case_alert, order=30)],
    "customer.detail": [Panel(template="feedback/panels/customer_feedback.html",
                              context=customer_feedback_panel, order=40)],
}
