"""How parts follow a service request (core.handlers): fitted parts leave stock."""

from aftersales.core.handlers import Change

from .services import job_part_issue, job_part_return


def part_issue_for(change: Change) -> None:
    """A usage line recorded on the job: the part leaves the van (or the centre's store for a
    workshop repair) in the same transaction; refused if it is not there."""
    job_part_issue(actor=change.actor, usage=change.data["usage"])


def part_return_for(change: Change) -> None:
    job_part_return(actor=change.actor, usage=change.data["usage"])


HANDLERS = {
    "service_request.part_add": [part_issue_for],
    "service_request.part_remove": [part_return_for],
}
