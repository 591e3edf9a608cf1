"""The technicians' work in a period (RP-1, RP-2, RP-3): jobs by category, hours, visits, time
on site and parts, per technician and per job, from aggregate queries.

The work counted is that of the centre's technicians (the ``technician`` on visits and hours,
whoever recorded the parts) — scoped through them, so each query runs on the indexes of the
technician and of the period rather than on all of the centre's requests.

A technician's *job* in a period is a request on which he arrived on site (a ``Visit``) or
recorded hours (a ``LaborEntry``, e.g. at the workshop bench) in that period. Its
*time spent* is the hours he recorded; time on site (arrival to leaving) is shown beside it.
Jobs are counted once per technician even when he has both a visit and hours on it:
jobs = distinct requests he visited + distinct requests with his hours but no visit of his.
"""

from django.db.models import Count, Exists, FloatField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, NullIf, TruncDate

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.service.choices import VisitOutcome
from aftersales.service.models import LaborEntry, PartUsage, Visit

from .common import CATEGORIES, HOURS, MONEY, fnum, in_period, on_site_time, part_value


def technicians_of(centre):
    """The centre's technicians (also former ones: their work in past periods counts)."""
    return User.objects.filter(role=Role.TECHNICIAN, service_centre=centre).values("pk")


def _visits(centre, period):
    return Visit.objects.filter(in_period("arrived_at", period),
                                technician__in=technicians_of(centre))


def _labor(centre, period):
    return LaborEntry.objects.filter(in_period("created_at", period),
                                     technician__in=technicians_of(centre))


def _parts(centre, period):
    return PartUsage.objects.filter(in_period("created_at", period),
                                    recorded_by__in=technicians_of(centre))


def _visit_metrics():
    metrics = {
        "visits": Count("pk"),
        "unfinished": Count("pk", filter=Q(outcome=VisitOutcome.UNFINISHED)),
        "on_site": Sum(on_site_time(), filter=Q(left_at__isnull=False)),
        "visit_jobs": Count("request", distinct=True),
    }
    for cat in CATEGORIES:
        metrics[f"visit_jobs_{cat}"] = Count("request", distinct=True,
                                             filter=Q(request__category=cat))
    return metrics


def _labor_metrics(centre, period):
    """Hours, and the jobs known only from hours (no visit of the same technician)."""
    visited = Exists(Visit.objects.filter(in_period("arrived_at", period),
                                          request=OuterRef("request"),
                                          technician=OuterRef("technician")))
    metrics = {
        "labor_hours": Sum("hours", output_field=HOURS),
        "labor_bench": Sum("hours", filter=Q(at_bench=True), output_field=HOURS),
        "labor_site": Sum("hours", filter=Q(at_bench=False), output_field=HOURS),
        "days_worked": Count(TruncDate("created_at", tzinfo=period.tz), distinct=True),
        "per_day": Cast(Sum("hours"), FloatField())
        / NullIf(Count(TruncDate("created_at", tzinfo=period.tz), distinct=True), Value(0)),
        "bench_jobs": Count("request", distinct=True, filter=~Q(visited)),
    }
    for cat in CATEGORIES:
        metrics[f"labor_{cat}"] = Sum("hours", filter=Q(request__category=cat), output_field=HOURS)
        metrics[f"bench_jobs_{cat}"] = Count(
            "request", distinct=True, filter=~Q(visited) & Q(request__category=cat))
    return metrics


def _part_metrics():
    value = part_value()
    return {
        "parts": Sum("quantity"),
        "parts_value": Sum(value, output_field=MONEY),
        "parts_charged": Sum(value, filter=Q(charged=True), output_field=MONEY),
        "parts_free": Sum(value, filter=Q(charged=False), output_field=MONEY),
    }


ZERO = {
    "visits": 0, "unfinished": 0, "on_site_hours": 0.0, "jobs": 0, "hours": 0.0,
    "bench_hours": 0.0, "site_hours": 0.0, "days_worked": 0, "hours_per_day": 0.0, "parts": 0, "parts_value": 0.0,
    "parts_charged": 0.0, "parts_free": 0.0,
    **{f"jobs_{cat}": 0 for cat in CATEGORIES}, **{f"hours_{cat}": 0.0 for cat in CATEGORIES},
}


def _combine(visit: dict, labor: dict, parts: dict) -> dict:
    """One technician's (or the centre's) figures from the three aggregate rows."""
    row = dict(ZERO)
    row["visits"] = visit.get("visits") or 0
    row["unfinished"] = visit.get("unfinished") or 0
    row["on_site_hours"] = fnum(visit.get("on_site")) or 0.0
    row["jobs"] = (visit.get("visit_jobs") or 0) + (labor.get("bench_jobs") or 0)
    for cat in CATEGORIES:
        row[f"jobs_{cat}"] = (visit.get(f"visit_jobs_{cat}") or 0) + (labor.get(f"bench_jobs_{cat}") or 0)
        row[f"hours_{cat}"] = fnum(labor.get(f"labor_{cat}")) or 0.0
    for key, source in (("hours", "labor_hours"), ("bench_hours", "labor_bench"),
                        ("site_hours", "labor_site")):
        row[key] = fnum(labor.get(source)) or 0.0
    row["days_worked"] = labor.get("days_worked") or 0
    row["hours_per_day"] = fnum(labor.get("per_day")) or 0.0
    row["parts"] = parts.get("parts") or 0
    for key in ("parts_value", "parts_charged", "parts_free"):
        row[key] = fnum(parts.get(key)) or 0.0
    return row


def work_by_technician(*, centre, period, visits: bool = True) -> dict[int, dict]:
    """Technician id → his figures in the period (3 grouped queries; 2 without the visits)."""
    visits = {r.pop("technician"): r for r in
              _visits(centre, period).order_by().values("technician").annotate(**_visit_metrics())
              } if visits else {}
    labor = {r.pop("technician"): r for r in
             _labor(centre, period).order_by().values("technician")
             .annotate(**_labor_metrics(centre, period))}
    parts = {r.pop("recorded_by"): r for r in
             _parts(centre, period).order_by().values("recorded_by").annotate(**_part_metrics())}
    return {tech: _combine(visits.get(tech, {}), labor.get(tech, {}), parts.get(tech, {}))
            for tech in visits.keys() | labor.keys() | parts.keys()}


def work_totals(*, centre, period, visits: bool = True) -> dict:
    """The centre's figures in the period (4 aggregate queries, 2 without the visits)."""
    if not visits:
        return _combine({}, _labor(centre, period).aggregate(**_labor_metrics(centre, period)),
                        _parts(centre, period).aggregate(**_part_metrics()))
    visit = _visits(centre, period).aggregate(**_visit_metrics())
    labor = _labor(centre, period).aggregate(**_labor_metrics(centre, period))
    parts = _parts(centre, period).aggregate(**_part_metrics())
    # A request visited by two technicians is one job of the centre, but a job of each of
    # them: the centre's jobs are counted per (technician, request) like the lines above it.
    totals = _combine(visit, labor, parts)
    pairs = (_visits(centre, period).order_by()
             .values("technician", "request", "request__category").distinct()
             .aggregate(n=Count("request"), **{cat: Count("request", filter=Q(request__category=cat))
                                               for cat in CATEGORIES}))
    totals["jobs"] = pairs["n"] + (labor.get("bench_jobs") or 0)
    for cat in CATEGORIES:
        totals[f"jobs_{cat}"] = pairs[cat] + (labor.get(f"bench_jobs_{cat}") or 0)
    return totals


JOB_FIELDS = ("request", "request__number", "request__category", "request__status",
              "request__customer__name")


def job_lines(*, centre, period) -> list[dict]:
    """Each job of each technician: request, category, hours, time on site, parts (RP-1).

    Three grouped queries (visits, hours, parts per technician and request), merged by key.
    """
    lines: dict[tuple, dict] = {}

    def line(tech, row):
        key = (tech, row["request"])
        if key not in lines:
            lines[key] = {
                "technician": tech, "request": row["request"], "number": row["request__number"],
                "category": row["request__category"], "status": row["request__status"],
                "customer": row["request__customer__name"], "hours": 0.0, "bench_hours": 0.0,
                "on_site_hours": 0.0, "visits": 0, "unfinished": 0, "parts_value": 0.0,
                "parts_charged": 0.0,
            }
        return lines[key]

    for row in (_visits(centre, period).order_by().values("technician", *JOB_FIELDS)
                .annotate(n=Count("pk"), unfinished=Count("pk", filter=Q(outcome=VisitOutcome.UNFINISHED)),
                          on_site=Sum(on_site_time(), filter=Q(left_at__isnull=False)))):
        target = line(row["technician"], row)
        target["visits"] = row["n"]
        target["unfinished"] = row["unfinished"]
        target["on_site_hours"] = fnum(row["on_site"]) or 0.0
    for row in (_labor(centre, period).order_by().values("technician", *JOB_FIELDS)
                .annotate(h=Sum("hours", output_field=HOURS),
                          bench=Sum("hours", filter=Q(at_bench=True), output_field=HOURS))):
        target = line(row["technician"], row)
        target["hours"] = fnum(row["h"]) or 0.0
        target["bench_hours"] = fnum(row["bench"]) or 0.0
    for row in (_parts(centre, period).order_by().values("recorded_by", *JOB_FIELDS)
                .annotate(v=Sum(part_value(), output_field=MONEY),
                          c=Sum(part_value(), filter=Q(charged=True), output_field=MONEY))):
        # A request on which he only fitted parts in the period is listed, but is no job.
        target = line(row["recorded_by"], row)
        target["parts_value"] = fnum(row["v"]) or 0.0
        target["parts_charged"] = fnum(row["c"]) or 0.0
    return sorted(lines.values(), key=lambda x: (x["technician"], x["number"]))


def hours_by_day(*, centre, period) -> list[dict]:
    """Hours recorded per local day, in all and by category (the month's chart and table):
    one grouped query, categories as filtered sums."""
    rows = (_labor(centre, period).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=period.tz)).values("day")
            .annotate(h=Sum("hours", output_field=HOURS),
                      **{f"h_{cat}": Sum("hours", filter=Q(request__category=cat),
                                         output_field=HOURS) for cat in CATEGORIES})
            .order_by("day"))
    return [{"day": r["day"].isoformat(), "hours": fnum(r["h"]) or 0.0,
             **{f"hours_{cat}": fnum(r[f"h_{cat}"]) or 0.0 for cat in CATEGORIES}} for r in rows]
