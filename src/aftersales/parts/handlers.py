"""How parts follow a service request (core.handlers): fitted parts leave stock."""

from aftersales.core.handlers import Change

from .services import job_part_issue, job_part_return
from .services.requests import job_agreed, job_dropped
from .services.returns import obligation_cancel_for_usage, obligation_open_for_usage


def part_issue_for(change: Change) -> None:
    """A usage line recorded on the job: the part leaves the van (or the centre's store for a
    workshop repair) in the same transaction; refused if it is not there."""
    job_part_issue(actor=change.actor, usage=change.data["usage"])


def part_return_for(change: Change) -> None:
    job_part_return(actor=change.actor, usage=change.data["usage"])


def material_requests_agreed_for(change: Change) -> None:
    """The customer agreed to the charge: the job's material requests waiting for it go on."""
    job_agreed(actor=change.actor, job=change.subject)


def material_requests_dropped_for(change: Change) -> None:
    """Declined or cancelled: the job's unshipped material requests are cancelled and
    escalated to the centre's supervisors (PT-2)."""
    job_dropped(actor=change.actor, job=change.subject, declined=change.action == "decline")


def return_obligation_open_for(change: Change) -> None:
    """A free (warranty) part fitted: the faulty part it replaced is owed back (PT-3)."""
    obligation_open_for_usage(actor=change.actor, usage=change.data["usage"])


def return_obligation_cancel_for(change: Change) -> None:
    """The usage line taken off: its return obligation is cancelled."""
    obligation_cancel_for_usage(actor=change.actor, usage=change.data["usage"])


HANDLERS = {
    "service_request.part_add": [part_issue_for, return_obligation_open_for],
    "service_request.part_remove": [part_return_for, return_obligation_cancel_for],
    "service_request.agree": [material_requests_agreed_for],
    "service_request.decline": [material_requests_dropped_for],
    "service_request.cancel": [material_requests_dropped_for],
}
