"""What invoicing does when a service request moves (core.handlers).

Runs after billing's handler (billing comes first in INSTALLED_APPS), which has just issued the
job's charge sheet: a customer who is invoiced now gets the job's invoice at once (BL-1, WK-2).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from aftersales.core.handlers import Change

from .services import invoice_issue_for_job

log = logging.getLogger(__name__)


def invoice_now_for(change: Change) -> None:
    """Invoice the finished job now if its customer wants it so. If the invoice cannot be
    issued (the tax platform refuses it), the job still finishes: its sheet stays on the
    accountant's list of work to invoice."""
    try:
        with transaction.atomic():
            invoice_issue_for_job(actor=change.actor, request=change.subject)
    except ValidationError as error:
        log.warning("invoice for %s not issued: %s", change.subject, error.messages)


HANDLERS = {
    "service_request.complete": [invoice_now_for],
    "service_request.hand_back": [invoice_now_for],
    "service_request.dealer_complete": [invoice_now_for],
}
