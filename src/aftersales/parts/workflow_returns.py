"""The return obligation's and the loan's state machines (PT-3; docs/parts.md).

```mermaid
stateDiagram-v2
    [*] --> open: warranty part fitted (service_request.part_add; a dealer completing its job)
    open --> sent: send (faulty serial recorded; the technician or the dealer who owes it)
    sent --> received: receive (at the receiving point)
    open --> received: receive (handed in without a waybill)
    open --> kept: keep (overdue sweep: charged)
    open --> cancelled: cancel (the part taken off: service_request.part_remove, or a dealer
                       correcting its completed job)
```

A loan: ``out --> returned`` (return: the loan_back move), or ``out --> kept`` (the sweep, once
``LOAN_KEPT_AFTER_DAYS`` have passed after the due date: charged).
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .models import LoanStatus as L
from .models import ReturnStatus as R

STAFF = frozenset({Role.TECHNICIAN, Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
RECEIVERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
SENDERS = STAFF | {Role.DEALER}  # a dealer sends back what its own jobs owe
SYSTEM = frozenset({None})  # the background worker, acting without a user

return_obligation_workflow = Workflow(
    name="return_obligation",
    state_field="status",
    states=R,
    transitions=[
        Transition("send", (R.OPEN,), R.SENT, SENDERS, _("Sent back")),
        Transition("receive", (R.SENT, R.OPEN), R.RECEIVED, RECEIVERS, _("Received")),
        Transition("keep", (R.OPEN,), R.KEPT, SYSTEM, _("Counted as kept")),
        Transition("cancel", (R.OPEN,), R.CANCELLED, SENDERS | SYSTEM, _("Cancel")),
    ],
)

loan_workflow = Workflow(
    name="loan",
    state_field="status",
    states=L,
    transitions=[
        Transition("return", (L.OUT,), L.RETURNED, RECEIVERS | {Role.TECHNICIAN},
                   _("Returned")),
        Transition("keep", (L.OUT,), L.KEPT, SYSTEM, _("Counted as kept")),
    ],
)
