"""The product notice's state machine (CR-1; docs/care.md).

```mermaid
stateDiagram-v2
    [*] --> draft: write (service department)
    draft --> sending: send (service department: the owners are counted, the worker starts)
    sending --> sent: finish (the background worker, once every owner has his message)
```
"""

from django.utils.translation import gettext_lazy as _

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
        Transition("finish", (N.SENDING,), N.SENT, SYSTEM, _("Sent to every owner")),
    ],
)
