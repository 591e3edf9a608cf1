"""The service request's state machine: every allowed move, who may make it (rule 5).

```mermaid
stateDiagram-v2
    [*] --> awaiting_agreement: chargeable, not yet agreed (SR-4)
    [*] --> registered
    awaiting_agreement --> registered: agree
    awaiting_agreement --> cancelled: decline
    registered --> assigned: assign
    assigned --> assigned: assign (reassign)
    assigned --> registered: unassign
    assigned --> en_route: depart
    assigned --> on_site: arrive
    en_route --> on_site: arrive
    en_route --> assigned: reschedule
    on_site --> completed: complete (signed)
    on_site --> carried_in: carry_in (receipt, register in)
    on_site --> assigned: reschedule (WK-4)
    carried_in --> repaired: finish_repair
    repaired --> inspected: inspect (passed)
    repaired --> carried_in: inspect (failed)
    inspected --> completed: hand_back (signed, receipt cancelled)
    completed --> closed: close
    registered --> cancelled: cancel
    assigned --> cancelled: cancel
    registered --> completed: dealer_complete (a dealer's job, dealers app)
```
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import Status as S

DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
DISPATCHERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
FIELD = frozenset({Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN})
INSPECTORS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

service_request_workflow = Workflow(
    name="service_request",
    state_field="status",
    states=S,
    transitions=[
        Transition("agree", (S.AWAITING_AGREEMENT,), S.REGISTERED, DESK | {Role.CUSTOMER},
                   _("Customer agrees to the charge")),
        Transition("decline", (S.AWAITING_AGREEMENT,), S.CANCELLED, DESK | {Role.CUSTOMER},
                   _("Customer declines")),
        Transition("assign", (S.REGISTERED, S.ASSIGNED), S.ASSIGNED, DISPATCHERS,
                   _("Assign a technician")),
        Transition("unassign", (S.ASSIGNED,), S.REGISTERED, DISPATCHERS, _("Take back"),
                   needs_note=True),
        Transition("depart", (S.ASSIGNED,), S.EN_ROUTE, FIELD, _("En route")),
        Transition("arrive", (S.ASSIGNED, S.EN_ROUTE), S.ON_SITE, FIELD, _("Arrived")),
        Transition("complete", (S.ON_SITE,), S.COMPLETED, FIELD, _("Customer signs, job done")),
        Transition("carry_in", (S.ON_SITE,), S.CARRIED_IN, FIELD, _("Carry back to workshop")),
        Transition("reschedule", (S.ON_SITE, S.EN_ROUTE), S.ASSIGNED, FIELD,
                   _("Unfinished: reschedule"), needs_note=True),
        Transition("finish_repair", (S.CARRIED_IN,), S.REPAIRED, FIELD, _("Repair finished")),
        Transition("inspect_pass", (S.REPAIRED,), S.INSPECTED, INSPECTORS, _("Inspection passed")),
        Transition("inspect_fail", (S.REPAIRED,), S.CARRIED_IN, INSPECTORS,
                   _("Inspection failed: rework"), needs_note=True),
        Transition("hand_back", (S.INSPECTED,), S.COMPLETED, DESK | FIELD,
                   _("Return to customer")),
        # A job handed to a dealer (dealers app) is done by the dealer's own staff (DL-2).
        Transition("dealer_complete", (S.REGISTERED,), S.COMPLETED, frozenset({Role.DEALER}),
                   _("Completed by the dealer")),
        Transition("close", (S.COMPLETED,), S.CLOSED, DESK, _("Close the job")),
        Transition("cancel", (S.REGISTERED, S.ASSIGNED), S.CANCELLED, DESK, _("Cancel"),
                   needs_note=True),
    ],
)
