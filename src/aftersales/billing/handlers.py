"""What billing does when a service request moves (core.handlers)."""

from aftersales.core.handlers import Change

from .services import charge_sheet_issue


def charge_sheet_issue_for(change: Change) -> None:
    """A completed job (on site, or handed back from the workshop) gets its issued sheet."""
    charge_sheet_issue(actor=change.actor, request=change.subject)


HANDLERS = {
    "service_request.complete": [charge_sheet_issue_for],
    "service_request.hand_back": [charge_sheet_issue_for],
    "service_request.dealer_complete": [charge_sheet_issue_for],
}
