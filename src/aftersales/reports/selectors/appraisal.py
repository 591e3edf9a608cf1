"""Technicians' appraisal (FB-3, RP-3): survey scores, punctuality against arrival deadlines,
jobs, hours, reopened jobs and parts per technician of a centre, with a score and the ranking
within the centre.

Each source is read once, grouped by technician (four aggregate queries, plus one aggregate
each for the totals row); a technician's line joins his rows from them. His score and rank
are then worked out from those figures:

  score (0–100) = weighted mean of the parts that exist for him in the period:
    satisfaction (survey score / 100) × 50, punctuality (on time / decided) × 30,
    jobs not reopened (1 − reopened / jobs) × 20;
  a part with no data (no answered survey, no decided arrival deadline, no job) is left out
  and the others' weights scaled up; no data at all: no score, ranked last.
  Rank: 1 + the number of technicians with a higher score (ties share a rank, like RANK()).
Hours per job is his hours ÷ his completed jobs. These three are arithmetic on the aggregates
of a few dozen lines, not a pass over the data.
"""

from django.db.models import Count, Q

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.dispatch.choices import ClockKind, ClockState
from aftersales.dispatch.models import DeadlineClock
from aftersales.service.models import ServiceRequest

from .centre import punctuality_metrics
from .common import completed_in, fnum, in_period, reopened_q, survey_model
from .surveys import ITEMS, clean, survey_metrics
from .work import technicians_of, work_by_technician, work_totals

WEIGHTS = {"satisfaction": 50.0, "punctuality": 30.0, "kept": 20.0}


def _completed(centre, period):
    return completed_in(ServiceRequest.objects.filter(
        assigned_technician__in=technicians_of(centre)), period)


def _job_metrics():
    return {"jobs": Count("pk"), "reopened": Count("pk", filter=reopened_q())}


def _clocks(centre, period):
    return (DeadlineClock.objects
            .filter(kind=ClockKind.ARRIVAL, due_at__gte=period.since, due_at__lt=period.until,
                    request__assigned_technician__in=technicians_of(centre))
            .exclude(state=ClockState.STOPPED))


def _surveys(centre, period):
    Survey = survey_model()
    if Survey is None:
        return None
    return Survey.objects.filter(in_period("answered_at", period),
                                 technician__in=technicians_of(centre))


def score_of(satisfaction, punctuality, kept):
    """The appraisal score from its three parts (each 0–1 or None)."""
    parts = [(WEIGHTS["satisfaction"], satisfaction), (WEIGHTS["punctuality"], punctuality),
             (WEIGHTS["kept"], kept)]
    weight = sum(w for w, value in parts if value is not None)
    if not weight:
        return None
    return 100 * sum(w * value for w, value in parts if value is not None) / weight


def appraisal_lines(*, centre, period, now, work: dict | None = None) -> list[dict]:
    """One line per technician of the centre (active, or with work in the period), ranked.
    ``work``: ``work_by_technician`` for the same period, if the caller has it already."""
    jobs = {r.pop("assigned_technician"): r for r in
            _completed(centre, period).order_by().values("assigned_technician")
            .annotate(**_job_metrics())}
    clocks = {r.pop("request__assigned_technician"): r for r in
              _clocks(centre, period).order_by().values("request__assigned_technician")
              .annotate(**punctuality_metrics(now))}
    surveys_qs = _surveys(centre, period)
    surveys = {} if surveys_qs is None else {
        r.pop("technician"): r for r in
        surveys_qs.order_by().values("technician").annotate(**survey_metrics())}
    if work is None:
        work = work_by_technician(centre=centre, period=period)
    people = User.objects.filter(role=Role.TECHNICIAN, service_centre=centre).filter(
        Q(is_active=True) | Q(pk__in=list(jobs.keys() | work.keys())))
    lines = []
    for user in people:
        job = jobs.get(user.pk, {})
        clock = clocks.get(user.pk, {})
        raw_survey = surveys.get(user.pk, {})
        survey = clean(raw_survey)
        hours = work.get(user.pk, {})
        n_jobs, reopened = job.get("jobs", 0), job.get("reopened", 0)
        line = {
            "technician": user.pk, "name": str(user), "jobs": n_jobs, "reopened": reopened,
            "hours": hours.get("hours", 0.0), "parts_value": hours.get("parts_value", 0.0),
            "parts_free": hours.get("parts_free", 0.0),
            "deadlines": clock.get("deadlines", 0), "on_time": clock.get("on_time", 0),
            "missed": clock.get("missed", 0), "punctuality": fnum(clock.get("punctuality"), 4),
            "surveys": survey["surveys"], "lowest": survey["lowest"],
            "survey_score": survey["score"],
            "hours_per_job": fnum(hours.get("hours", 0.0) / n_jobs) if n_jobs else None,
            **{f"s_{item}": survey[item] for item in ITEMS},
        }
        kept = (1 - reopened / n_jobs) if n_jobs else None
        satisfaction = raw_survey["score"] / 100 if raw_survey.get("score") is not None else None
        score = score_of(satisfaction, clock.get("punctuality"), kept)
        line["score"] = fnum(score, 1)
        lines.append(line)
    for line in lines:
        higher = [o for o in lines if o["score"] is not None
                  and (line["score"] is None or o["score"] > line["score"])]
        line["rank"] = 1 + len(higher)
    return sorted(lines, key=lambda x: (x["rank"], x["name"], x["technician"]))


def appraisal_totals(*, centre, period, now, work: dict | None = None) -> dict:
    """The totals row: the same figures over all of the centre's technicians together
    (one aggregate query per source)."""
    jobs = _completed(centre, period).aggregate(**_job_metrics())
    clock = _clocks(centre, period).aggregate(**punctuality_metrics(now))
    surveys_qs = _surveys(centre, period)
    survey = clean(surveys_qs.aggregate(**survey_metrics()) if surveys_qs is not None else {})
    if work is None:
        work = work_totals(centre=centre, period=period)
    return {
        "jobs": jobs["jobs"], "reopened": jobs["reopened"], "hours": work["hours"],
        "parts_value": work["parts_value"], "parts_free": work["parts_free"],
        "deadlines": clock["deadlines"], "on_time": clock["on_time"], "missed": clock["missed"],
        "punctuality": fnum(clock["punctuality"], 4), "surveys": survey["surveys"],
        "lowest": survey["lowest"], "survey_score": survey["score"],
        "hours_per_job": fnum(work["hours"] / jobs["jobs"]) if jobs["jobs"] else None,
    }
