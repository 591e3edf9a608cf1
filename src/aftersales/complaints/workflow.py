"""The route of a complaint (CP-4 … CP-8): every status change goes through this map.

```mermaid
stateDiagram-v2
    [*] --> registered: sales registers (any channel)
    registered --> qa: GM office accepts (½ day) — the 13/17-day case clock starts
    qa --> manufacturing: QA: cause, responsible department, report within 3 days (1 day)
    manufacturing --> rnd: countermeasures (1 day)
    rnd --> negotiation: R&D opinion (1 day)
    negotiation --> review: sales negotiates (5 days domestic / 12 foreign)
    review --> approval: GM office's combined opinion (½ day)
    approval --> decided: approved by the authority that covers the amount
    decided --> closed: outcome carried out, customer told
    registered --> cancelled
    qa --> cancelled
    closed --> [*]
```
A customer who rejects the decision gets a new case linked to this one (CP-8).
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import Status

STAFF = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
HEAD = frozenset({Role.MANAGER, Role.ADMIN})

complaint_workflow = Workflow(
    name="complaint",
    state_field="status",
    states=Status,
    transitions=[
        Transition("accept", (Status.REGISTERED,), Status.QA, STAFF,
                   _("Accept and send to QA")),
        Transition("qa_done", (Status.QA,), Status.MANUFACTURING, STAFF,
                   _("QA: cause and responsibility found")),
        Transition("manufacturing_done", (Status.MANUFACTURING,), Status.RND, STAFF,
                   _("Manufacturing: countermeasures set")),
        Transition("rnd_done", (Status.RND,), Status.NEGOTIATION, STAFF,
                   _("R&D: opinion given")),
        Transition("negotiated", (Status.NEGOTIATION,), Status.REVIEW, STAFF,
                   _("Sales: negotiation result")),
        Transition("reviewed", (Status.REVIEW,), Status.APPROVAL, STAFF,
                   _("GM office: combined opinion")),
        Transition("approve", (Status.APPROVAL,), Status.DECIDED, STAFF | {Role.ACCOUNTANT},
                   _("Approve")),
        Transition("close", (Status.DECIDED,), Status.CLOSED, STAFF,
                   _("Carry out and close")),
        Transition("cancel", (Status.REGISTERED, Status.QA), Status.CANCELLED, HEAD,
                   _("Cancel (registered by mistake)"), needs_note=True),
    ],
)

# the transition that finishes each route step
STEP_TRANSITION = {
    Status.REGISTERED: "accept", Status.QA: "qa_done", Status.MANUFACTURING: "manufacturing_done",
    Status.RND: "rnd_done", Status.NEGOTIATION: "negotiated", Status.REVIEW: "reviewed",
    Status.APPROVAL: "approve",
}
