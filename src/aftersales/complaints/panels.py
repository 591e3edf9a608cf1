"""What complaints add to other apps' pages (core.panels)."""

from aftersales.core.panels import Panel

from .models import Complaint


def case_handover_panel(http_request, case) -> dict | None:
    """A follow-up case's page (FB-4): its complaint, or the button that hands it over."""
    user = http_request.user
    complaint = Complaint.objects.restrict(user).filter(follow_up_case=case).first()
    from aftersales.feedback.models import FollowUpCase

    may = FollowUpCase.objects.restrict(user, "change").filter(pk=case.pk).exists()
    if complaint is None and not may:
        return None
    return {"complaint": complaint, "case": case, "may_hand_over": may and complaint is None}


def reports_card_panel(http_request, subject) -> dict | None:
    """The reports start page: a card with the monthly complaint statistics (RP-5)."""
    user = http_request.user
    if not (user.is_superuser or user.role in {"agent", "supervisor", "manager", "admin"}):
        return None
    return {}


PANELS = {
    "feedback_case.detail": [Panel(template="complaints/panels/case_handover.html",
                                   context=case_handover_panel, order=10)],
    "reports.index": [Panel(template="complaints/panels/reports_card.html",
                            context=reports_card_panel, order=40)],
}
