"""The service manager's dashboard: live figures (not stored runs), each with the list behind it.

Scope: the service department sees every centre (or one it picks); a branch manager, a
supervisor and an agent their own centre. "Today" is the centre's local day (the project's
time zone across centres).
"""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.models import Event
from aftersales.dispatch.models import DeadlineClock
from aftersales.dispatch.selectors import clock_counts, clock_figures, clock_filters
from aftersales.service.choices import OPEN_STATUSES, Status
from aftersales.service.models import LaborEntry, ServiceRequest

from ..models import is_headquarters
from ..periods import Period, centre_tz, local_today
from .common import HOURS, fnum, request_content_type_id, survey_model
from .surveys import response_rate, satisfaction_trend
from .work import technicians_of

FIELD = (Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SITE)
WORKSHOP = (Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED)
DONE_ACTIONS = ("complete", "finish_repair")
TREND_MONTHS = 12
RESPONSE_DAYS = 30


def open_figures(*, centre) -> dict:
    requests = ServiceRequest.objects.filter(status__in=OPEN_STATUSES)
    if centre is not None:
        requests = requests.filter(service_centre=centre)
    return requests.aggregate(
        open=Count("pk"),
        awaiting_agreement=Count("pk", filter=Q(status=Status.AWAITING_AGREEMENT)),
        undispatched=Count("pk", filter=Q(status=Status.REGISTERED)),
        in_field=Count("pk", filter=Q(status__in=FIELD)),
        at_workshop=Count("pk", filter=Q(status__in=WORKSHOP)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
    )


def deadline_figures(*, user, centre, now) -> dict:
    """Deadlines at risk, missed and paused, by ``dispatch.selectors.clock_counts``; narrowed to
    one centre with the same definitions where the user's own scope is wider (a branch manager,
    or the service department looking at one centre)."""
    own_scope = (centre is None and is_headquarters(user)) or (
        centre is not None and user.role in (Role.AGENT, Role.SUPERVISOR)
        and centre.pk == user.service_centre_id)
    if own_scope:
        return clock_counts(user=user, now=now)
    return clock_figures(DeadlineClock.objects.filter(request__service_centre=centre), now)


def deadline_list(*, user, centre, state: str, now):
    """The clocks behind the dashboard's deadline figures (same definitions)."""
    clocks = DeadlineClock.objects.restrict(user, "view")
    if centre is not None:
        clocks = clocks.filter(request__service_centre=centre)
    filters = clock_filters(now)
    clocks = clocks.filter(filters.get(state, filters["at_risk"]))
    return (clocks.select_related("request", "request__customer", "request__assigned_technician",
                                  "request__service_centre")
            .order_by("due_at", "pk"))


def technicians_today(*, centre, now) -> list[dict]:
    """Each technician's jobs now and today: open field jobs, on site, at the workshop, jobs
    finished today (completed on site or repaired at the bench) and hours recorded today —
    three grouped queries over the open jobs and today's rows, joined per technician."""
    tz = centre_tz(centre)
    today = local_today(centre, now)
    day = Period(today, today, tz)
    technicians = User.objects.filter(role=Role.TECHNICIAN, is_active=True)
    if centre is not None:
        technicians = technicians.filter(service_centre=centre)
    ids = technicians.values("pk")
    jobs = {r.pop("assigned_technician"): r for r in (
        ServiceRequest.objects.filter(status__in=FIELD + WORKSHOP[:2], assigned_technician__in=ids)
        .order_by().values("assigned_technician")
        .annotate(open_jobs=Count("pk", filter=Q(status__in=FIELD)),
                  on_site=Count("pk", filter=Q(status=Status.ON_SITE)),
                  at_workshop=Count("pk", filter=Q(status__in=WORKSHOP[:2]))))}
    done = dict(Event.objects.filter(content_type_id=request_content_type_id(),
                                     action__in=DONE_ACTIONS, at__gte=day.since,
                                     at__lt=day.until, actor__in=ids)
                .order_by().values("actor").annotate(n=Count("object_id", distinct=True))
                .values_list("actor", "n"))
    hours = dict(LaborEntry.objects.filter(created_at__gte=day.since, created_at__lt=day.until,
                                           technician__in=ids)
                 .order_by().values("technician")
                 .annotate(h=Sum("hours", output_field=HOURS)).values_list("technician", "h"))
    lines = []
    for user in technicians.select_related("service_centre").order_by(
            "service_centre__code", "last_name", "first_name", "pk"):
        counts = jobs.get(user.pk, {})
        lines.append({"technician": user.pk, "name": str(user),
                      "centre": user.service_centre.name if user.service_centre else "",
                      "open_jobs": counts.get("open_jobs", 0), "on_site": counts.get("on_site", 0),
                      "at_workshop": counts.get("at_workshop", 0),
                      "done_today": done.get(user.pk, 0),
                      "hours_today": fnum(hours.get(user.pk)) or 0.0})
    return lines


def survey_figures(*, centre, now) -> dict | None:
    Survey = survey_model()
    if Survey is None:
        return None
    surveys = Survey.objects.all()
    if centre is not None:  # the surveys about the centre's technicians (their index)
        surveys = surveys.filter(technician__in=technicians_of(centre))
    tz = centre_tz(centre)
    local = timezone.localtime(now, tz)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    months = [first.strftime("%Y-%m")]
    cursor = first
    for _ in range(TREND_MONTHS - 1):
        cursor = (cursor + timedelta(days=32)).replace(day=1)
        months.append(cursor.strftime("%Y-%m"))
    found = {row["month"]: row for row in satisfaction_trend(surveys=surveys, since=first, tz=tz)}
    return {
        # every month of the last year, also those without answers (a gap in the line)
        "trend": [found.get(m, {"month": m, "surveys": 0, "score": None}) for m in months],
        "response": response_rate(surveys=surveys, since=now - timedelta(days=RESPONSE_DAYS),
                                   until=now),
        "response_days": RESPONSE_DAYS,
    }


def dashboard_figures(*, user, centre, now=None) -> dict:
    now = now or timezone.now()
    return {
        "open": open_figures(centre=centre),
        "deadlines": deadline_figures(user=user, centre=centre, now=now),
        "technicians": technicians_today(centre=centre, now=now),
        "surveys": survey_figures(centre=centre, now=now),
        "today": local_today(centre, now),
    }
