"""The material request's state machine (PT-2; docs/parts.md, "Material requests").

```mermaid
stateDiagram-v2
    [*] --> requested
    requested --> waiting_agreement: wait (out of warranty, job awaits the customer's agreement)
    waiting_agreement --> approved: agreed (service_request.agree)
    waiting_agreement --> cancelled: refused (service_request.decline / cancel: escalated)
    requested --> cancelled: refused (job declined / cancelled: escalated)
    approved --> cancelled: refused (job declined / cancelled: escalated)
    picked --> cancelled: refused (job declined / cancelled: escalated; back on the shelf)
    requested --> approved: approve
    approved --> picked: pick (pick list)
    picked --> shipped: ship (shipping order; stock moves)
    shipped --> received: receive
    requested --> cancelled: cancel
    waiting_agreement --> cancelled: cancel
    approved --> cancelled: cancel
    picked --> cancelled: cancel (the picked parts go back on the shelf)
```
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .models import MaterialRequestStatus as S

STORE = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
STAFF = STORE | {Role.TECHNICIAN}
REQUESTERS = STAFF | {Role.DEALER}  # a dealer's login receives and cancels its own orders
# agreed/refused follow the service request's agree/decline/cancel, whoever made that step
ANYONE = STAFF | {Role.CUSTOMER}

material_request_workflow = Workflow(
    name="material_request",
    state_field="status",
    states=S,
    transitions=[
        Transition("wait", (S.REQUESTED,), S.WAITING_AGREEMENT, STAFF,
                   _("Wait for the customer's agreement")),
        Transition("agreed", (S.WAITING_AGREEMENT,), S.APPROVED, ANYONE,
                   _("Customer agreed")),
        Transition("refused", (S.WAITING_AGREEMENT, S.REQUESTED, S.APPROVED, S.PICKED),
                   S.CANCELLED,
                   ANYONE, _("Customer refused: escalated")),
        Transition("approve", (S.REQUESTED,), S.APPROVED, STORE, _("Approve")),
        Transition("pick", (S.APPROVED,), S.PICKED, STORE, _("Picked")),
        Transition("ship", (S.PICKED,), S.SHIPPED, STORE, _("Ship")),
        Transition("receive", (S.SHIPPED,), S.RECEIVED, REQUESTERS, _("Received")),
        Transition("cancel", (S.REQUESTED, S.WAITING_AGREEMENT, S.APPROVED, S.PICKED),
                   S.CANCELLED, REQUESTERS, _("Cancel"), needs_note=True),
    ],
)
