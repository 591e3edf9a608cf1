"""The product notice's state machine (CR-1; docs/care.md).

```mermaid
stateDiagram-v2
    [*] --> draft: write (service department)
    draft --> sending: send (service department: the owners are counted, the worker starts)
    draft --> scheduled: schedule (service department: a later time)
    scheduled --> draft: unschedule (service department; or the worker tick, nobody to send to)
    scheduled --> sending: start (the worker tick, at the time: as send)
    sending --> sent: finish (the background worker, once every owner has his message)
```
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.workflow import Transition, Workflow

from .choices import NoticeState as N
from .models import NOTICE_EDITORS

SYSTEM = frozenset({None})  # the background worker, acting without a user

product_notice_workflow = Workflow(
    name="product_notice",
    state_field="state",
    states=N,
    transitions=[
        Transition("send", (N.DRAFT,), N.SENDING, NOTICE_EDITORS, _("Send to the owners")),
        Transition("schedule", (N.DRAFT,), N.SCHEDULED, NOTICE_EDITORS,
                   pgettext_lazy("notice", "Schedule")),
        Transition("unschedule", (N.SCHEDULED,), N.DRAFT, NOTICE_EDITORS | SYSTEM,
                   _("Unschedule")),
        Transition("start", (N.SCHEDULED,), N.SENDING, SYSTEM, _("Sending at the set time")),
        Transition("finish", (N.SENDING,), N.SENT, SYSTEM, _("Sent to every owner")),
    ],
)
