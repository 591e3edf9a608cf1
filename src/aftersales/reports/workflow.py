"""Sign-off routes of the reports (house style rule 5), one workflow per report kind.

Supervisor daily report (RP-2): the supervisor submits it to his branch manager, who approves it
on to the service department (服务部), which accepts it; either may send it back with a reason.

```mermaid
stateDiagram-v2
    [*] --> draft: run (schedule or on demand)
    draft --> draft: run again
    draft --> submitted: submit (supervisor of the centre)
    submitted --> approved: approve (branch manager of the centre)
    submitted --> draft: send_back (branch manager, with a reason)
    approved --> accepted: accept (service department)
    approved --> draft: send_back (service department, with a reason)
    accepted --> [*]
```

Monthly man-hour summary (RP-3): reviewed by the centre's supervisor (or branch manager), then
published by a manager. Technicians' monthly appraisal (FB-3): published by a manager; then each
technician sees his own line.

```mermaid
stateDiagram-v2
    [*] --> draft
    draft --> reviewed: review (supervisor or branch manager of the centre)
    reviewed --> draft: send_back (a manager, with a reason)
    reviewed --> published: publish (branch manager or service department)
    draft --> published: publish (appraisal only — it has no review step)
```

Figures are frozen from the first sign-off step on: a new run is refused (409) until the report
is sent back to draft. Who exactly may take a step (which centre's supervisor, branch manager or
the service department) is checked in ``services.report_transition``.
"""

from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.core.workflow import Transition, Workflow

from .choices import ReportKind
from .choices import ReportState as S

MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
REVIEWERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

supervisor_daily_workflow = Workflow(
    name="supervisor_daily", state_field="state", states=S, transitions=[
    Transition("submit", (S.DRAFT,), S.SUBMITTED, SUPERVISORS, _("Submit to the branch manager")),
    Transition("approve", (S.SUBMITTED,), S.APPROVED, MANAGERS,
               _("Approve and forward to the service department")),
    Transition("accept", (S.APPROVED,), S.ACCEPTED, MANAGERS, _("Accept")),
    Transition("send_back", (S.SUBMITTED, S.APPROVED), S.DRAFT, MANAGERS, _("Send back"),
               needs_note=True),
])

monthly_hours_workflow = Workflow(
    name="monthly_hours", state_field="state", states=S, transitions=[
    Transition("review", (S.DRAFT,), S.REVIEWED, REVIEWERS, _("Mark as reviewed")),
    Transition("publish", (S.REVIEWED,), S.PUBLISHED, MANAGERS, _("Publish")),
    Transition("send_back", (S.REVIEWED,), S.DRAFT, MANAGERS, _("Send back"), needs_note=True),
])

appraisal_workflow = Workflow(
    name="appraisal", state_field="state", states=S, transitions=[
    Transition("publish", (S.DRAFT,), S.PUBLISHED, MANAGERS, _("Publish")),
])

WORKFLOWS = {
    ReportKind.SUPERVISOR_DAILY: supervisor_daily_workflow,
    ReportKind.MONTHLY_HOURS: monthly_hours_workflow,
    ReportKind.APPRAISAL: appraisal_workflow,
}

# The order the page offers the steps in.
ACTION_ORDER = ["submit", "review", "approve", "accept", "publish", "send_back"]


def workflow_for(kind: str) -> Workflow | None:
    return WORKFLOWS.get(kind)
