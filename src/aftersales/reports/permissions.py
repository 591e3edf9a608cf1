"""Who may take which step on which report, beyond the roles the workflows name (RP-2 route:
the centre's own supervisor, its branch manager, the service department)."""

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

from .choices import FROZEN_STATES, ReportState
from .models import Report, is_headquarters
from .workflow import ACTION_ORDER, workflow_for


def branch_managers(centre_id: int):
    return User.objects.filter(role=Role.MANAGER, service_centre_id=centre_id, is_active=True)


def may_take_step(actor, report: Report, name: str) -> bool:
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    own_centre = actor.service_centre_id == report.service_centre_id
    branch_manager = actor.role == Role.MANAGER and own_centre
    hq = is_headquarters(actor)
    if name == "submit":
        return actor.role == Role.SUPERVISOR and own_centre
    if name == "approve" or (name == "send_back" and report.state == ReportState.SUBMITTED):
        # The branch manager; the service department only for a centre without one.
        return branch_manager or (hq and not branch_managers(report.service_centre_id).exists())
    if name == "accept" or (name == "send_back" and report.state == ReportState.APPROVED):
        return hq
    if name == "review":
        return (actor.role == Role.SUPERVISOR and own_centre) or branch_manager or hq
    if name in ("publish", "send_back"):
        return branch_manager or hq
    return False


def available_steps(user, report: Report) -> list:
    """The sign-off steps this user may take on this report now, in page order."""
    workflow = workflow_for(report.kind)
    if workflow is None or not user.is_authenticated:
        return []
    steps = {t.name: t for t in workflow.available(report, user)
             if may_take_step(user, report, t.name)}
    return [steps[name] for name in ACTION_ORDER if name in steps]


def can_run(user, report: Report) -> bool:
    return (report.state not in FROZEN_STATES
            and Report.objects.restrict(user, "run").filter(pk=report.pk).exists())


def viewer_technician(user) -> int | None:
    """A technician sees only his own lines; everyone else (who may open the report) all."""
    return user.pk if user.role == Role.TECHNICIAN and not user.is_superuser else None


def may_run_kind(user, kind: str, centre) -> bool:
    """May this user have a report of ``kind`` for ``centre`` produced (the same rule as
    ``Report.restrict(user, "run")``, for a report that does not exist yet)."""
    if is_headquarters(user):
        return True
    if centre is None or user.service_centre_id != centre.pk:
        return False
    if user.role in (Role.MANAGER, Role.SUPERVISOR):
        return True
    from .choices import ReportKind

    return user.role == Role.TECHNICIAN and kind == ReportKind.TECHNICIAN_DAILY
