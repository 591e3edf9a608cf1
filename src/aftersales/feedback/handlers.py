"""How feedback follows a service request (core.handlers): every finished job is heard."""

from aftersales.core.handlers import Change

from .services import survey_schedule_for


def survey_schedule(change: Change) -> None:
    """FB-1: the survey for the next morning; FB-5: the follow-up call."""
    survey_schedule_for(change.subject)


HANDLERS = {
    "service_request.complete": [survey_schedule],
    "service_request.hand_back": [survey_schedule],
    "service_request.dealer_complete": [survey_schedule],
}
