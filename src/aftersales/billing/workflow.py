"""State machines of billing's changeable documents (house style rule 5).

```mermaid
stateDiagram-v2
    [*] --> open: first cash/QR payment of the technician's day
    open --> confirmed: confirm (accountant; a difference needs a reason)
```
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import HandoverState as H

ACCOUNTING = frozenset({Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN})

handover_workflow = Workflow(
    name="handover",
    state_field="state",
    states=H,
    transitions=[
        Transition("confirm", (H.OPEN,), H.CONFIRMED, ACCOUNTING, _("Confirm the hand-over")),
    ],
)
