"""A dealer job's state machine.

```mermaid
stateDiagram-v2
    [*] --> handed_over: hand over (HQ) / the dealer's own call
    handed_over --> accepted: accept (dealer)
    handed_over --> completed: complete (dealer, customer confirms)
    accepted --> completed: complete (dealer, customer confirms)
    handed_over --> withdrawn: withdraw (HQ)
    accepted --> withdrawn: withdraw (HQ)
```
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import JobState as S

HQ = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
DEALER = frozenset({Role.DEALER, Role.ADMIN})

dealer_job_workflow = Workflow(
    name="dealer_job",
    state_field="state",
    states=S,
    transitions=[
        Transition("accept", (S.HANDED_OVER,), S.ACCEPTED, DEALER, _("Accept the job")),
        Transition("complete", (S.HANDED_OVER, S.ACCEPTED), S.COMPLETED, DEALER,
                   _("Job done, confirmed by the customer")),
        Transition("withdraw", (S.HANDED_OVER, S.ACCEPTED), S.WITHDRAWN, HQ,
                   _("Take the job back"), needs_note=True),
    ],
)
