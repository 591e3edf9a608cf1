"""The state machines of follow-up cases, follow-up calls and supervisors' visits (rule 5).

```mermaid
stateDiagram-v2
    [*] --> open: low score or complaint (survey or call)
    open --> in_progress: take up — first reply to the customer (CP-15: within 24 h)
    in_progress --> customer_told: tell the customer the outcome (SMS / e-mail)
    customer_told --> closed: close — a follow-up call after the complaint (FB-5)
    closed --> [*]
```

Calls: pending / not_reached / call_back → reached, not_reached (next working day),
call_back (at the agreed time), closed (given up after the last attempt, or not wanted).
Visits: open → done (visit report) or cancelled.
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import OPEN_CALL_STATUSES, CallStatus, CaseStatus, VisitStatus

HANDLERS = frozenset({Role.MANAGER, Role.ADMIN})
CALLERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VISITORS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

case_workflow = Workflow(
    name="followup_case",
    state_field="status",
    states=CaseStatus,
    transitions=[
        Transition("take_up", (CaseStatus.OPEN,), CaseStatus.IN_PROGRESS, HANDLERS,
                   _("Take up and reply to the customer"), needs_note=True),
        Transition("tell_customer", (CaseStatus.IN_PROGRESS,), CaseStatus.CUSTOMER_TOLD, HANDLERS,
                   _("Tell the customer the outcome")),
        Transition("close", (CaseStatus.CUSTOMER_TOLD,), CaseStatus.CLOSED, HANDLERS,
                   _("Close the case")),
    ],
)

OPEN_CALL = tuple(OPEN_CALL_STATUSES)

call_workflow = Workflow(
    name="followup_call",
    state_field="status",
    states=CallStatus,
    transitions=[
        Transition("reach", OPEN_CALL, CallStatus.REACHED, CALLERS, _("Reached the customer")),
        Transition("miss", OPEN_CALL, CallStatus.NOT_REACHED, CALLERS, _("Not reached")),
        Transition("give_up", OPEN_CALL, CallStatus.CLOSED, CALLERS,
                   _("Not reached after the last attempt")),
        Transition("call_back", OPEN_CALL, CallStatus.CALL_BACK, CALLERS,
                   _("Call back later")),
        Transition("close", OPEN_CALL, CallStatus.CLOSED, CALLERS, _("No call needed"),
                   needs_note=True),
    ],
)

visit_workflow = Workflow(
    name="supervisor_visit",
    state_field="status",
    states=VisitStatus,
    transitions=[
        Transition("complete", (VisitStatus.OPEN,), VisitStatus.DONE, VISITORS,
                   _("Visited the customer"), needs_note=True),
        Transition("cancel", (VisitStatus.OPEN,), VisitStatus.CANCELLED, HANDLERS,
                   _("Cancel the visit"), needs_note=True),
    ],
)
