"""The stock count's state machine (PT-3; docs/parts.md, "Stock-take").

```mermaid
stateDiagram-v2
    [*] --> open: open (expected quantities frozen)
    open --> counted: counted (every line has a counted quantity)
    counted --> open: recount
    counted --> approved: approve (supervisor / manager: adjustment moves)
    open --> cancelled: cancel
    counted --> cancelled: cancel
```
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .models import StockCountStatus as S

LEADS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
COUNTERS = LEADS | {Role.AGENT, Role.TECHNICIAN}

stock_count_workflow = Workflow(
    name="stock_count",
    state_field="status",
    states=S,
    transitions=[
        Transition("counted", (S.OPEN,), S.COUNTED, COUNTERS, _("Counting finished")),
        Transition("recount", (S.COUNTED,), S.OPEN, LEADS, _("Count again")),
        Transition("approve", (S.COUNTED,), S.APPROVED, LEADS, _("Approve and adjust stock")),
        Transition("cancel", (S.OPEN, S.COUNTED), S.CANCELLED, LEADS, _("Cancel"),
                   needs_note=True),
    ],
)
