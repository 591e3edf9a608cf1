"""Care's state machines (docs/care.md): the product notice (CR-1), the user seminar and its
guests (CR-3).

```mermaid
stateDiagram-v2
    [*] --> draft: write (service department)
    draft --> sending: send (service department: the owners are counted, the worker starts)
    draft --> scheduled: schedule (service department: a later time)
    scheduled --> draft: unschedule (service department; or the worker tick, nobody to send to)
    scheduled --> sending: start (the worker tick, at the time: as send)
    sending --> sent: finish (the background worker, once every owner has his message)
```

```mermaid
stateDiagram-v2
    [*] --> planned: plan (supervisor, service department)
    planned --> held: hold (the host or an editor: who came, what was said)
    planned --> cancelled: cancel (an editor, with a reason: the invited are told)
```

```mermaid
stateDiagram-v2
    [*] --> invited: invite (desk, the host)
    invited --> confirmed: will come (while seats are left)
    invited --> declined: declines
    confirmed --> declined: declines
    declined --> confirmed: will come after all
    invited --> attended: came (the seminar held)
    confirmed --> attended
    declined --> attended
    invited --> absent: did not come
    confirmed --> absent
    declined --> absent
    attended --> absent: corrected
    absent --> attended: corrected
```
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import STAFF_ROLES, Role
from aftersales.core.workflow import Transition, Workflow

from .choices import GuestStatus as G
from .choices import NoticeState as N
from .choices import SeminarState as S
from .models import CARE_EDITORS, NOTICE_EDITORS

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

seminar_workflow = Workflow(
    name="seminar",
    state_field="state",
    states=S,
    transitions=[
        # the host may be any member of staff (a senior technician giving a product talk); the
        # services check that he is this seminar's host
        Transition("hold", (S.PLANNED,), S.HELD, CARE_EDITORS | STAFF_ROLES,
                   pgettext_lazy("seminar", "Record as held")),
        Transition("cancel", (S.PLANNED,), S.CANCELLED, CARE_EDITORS,
                   pgettext_lazy("seminar", "Cancel"), needs_note=True),
    ],
)

_BEFORE = (G.INVITED, G.CONFIRMED, G.DECLINED)

seminar_guest_workflow = Workflow(
    name="seminar_guest",
    state_field="status",
    states=G,
    transitions=[
        # the customer answers for himself in the portal, too
        Transition("confirm", (G.INVITED, G.DECLINED), G.CONFIRMED, STAFF_ROLES | {Role.CUSTOMER},
                   pgettext_lazy("guest", "Will come")),
        Transition("decline", (G.INVITED, G.CONFIRMED), G.DECLINED, STAFF_ROLES | {Role.CUSTOMER},
                   pgettext_lazy("guest", "Declined")),
        Transition("attend", (*_BEFORE, G.ABSENT), G.ATTENDED, STAFF_ROLES,
                   pgettext_lazy("guest", "Came")),
        Transition("miss", (*_BEFORE, G.ATTENDED), G.ABSENT, STAFF_ROLES,
                   pgettext_lazy("guest", "Did not come")),
    ],
)
