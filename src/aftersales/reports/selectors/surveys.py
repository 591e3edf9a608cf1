"""Survey figures (FB-2, FB-3) through the guard in ``common.survey_model``.

Scores are on 0–100 like ``feedback.Survey.score``: (mean of the four items − 1) / 3 × 100.
"""

from django.db.models import Avg, Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, NullIf, TruncMonth

from .common import fnum, survey_model

ITEMS = ("attitude", "skill", "punctuality", "promise")


def score_expression(prefix: str = ""):
    """The 0–100 score of one answered survey, as an SQL expression."""
    total = sum((F(f"{prefix}{item}") for item in ITEMS[1:]), F(f"{prefix}{ITEMS[0]}"))
    return Cast((total - Value(4)) * Value(100), FloatField()) / Value(12.0)


def survey_metrics(prefix: str = "") -> dict:
    """Aggregates over answered surveys: count, item means (1–4), mean score (0–100), and how
    many had an item at the lowest level."""
    answered = Q(**{f"{prefix}answered_at__isnull": False})
    metrics = {
        "surveys": Count(f"{prefix}pk" if prefix else "pk", filter=answered),
        "score": Avg(score_expression(prefix), filter=answered),
        "lowest": Count(f"{prefix}pk" if prefix else "pk",
                        filter=answered & (Q(**{f"{prefix}attitude": 1}) | Q(**{f"{prefix}skill": 1})
                                           | Q(**{f"{prefix}punctuality": 1})
                                           | Q(**{f"{prefix}promise": 1}))),
    }
    for item in ITEMS:
        metrics[item] = Avg(f"{prefix}{item}", filter=answered, output_field=FloatField())
    return metrics


def clean(row: dict) -> dict:
    out = {"surveys": row.get("surveys") or 0, "lowest": row.get("lowest") or 0,
           "score": fnum(row.get("score"), 1)}
    for item in ITEMS:
        out[item] = fnum(row.get(item), 2)
    return out


def answered_in(period, **filters):
    Survey = survey_model()
    if Survey is None:
        return None
    return Survey.objects.filter(answered_at__gte=period.since, answered_at__lt=period.until,
                                 **filters)


def survey_summary(*, centre, period) -> dict | None:
    """Surveys about the centre's technicians answered in the period; None without the
    feedback app."""
    from .work import technicians_of

    qs = answered_in(period, technician__in=technicians_of(centre))
    if qs is None:
        return None
    return clean(qs.aggregate(**survey_metrics()))


def satisfaction_trend(*, surveys, since, tz) -> list[dict]:
    """Mean score and number of answers per month (in ``tz``) since ``since``."""
    rows = (surveys.filter(answered_at__gte=since, answered_at__isnull=False).order_by()
            .annotate(month=TruncMonth("answered_at", tzinfo=tz))
            .values("month").annotate(n=Count("pk"), score=Avg(score_expression()))
            .order_by("month"))
    return [{"month": r["month"].strftime("%Y-%m"), "surveys": r["n"],
             "score": fnum(r["score"], 1)} for r in rows]


def response_rate(*, surveys, since, until) -> dict:
    """Surveys sent in the window and how many of them were answered (FB-1 response rate)."""
    answered = Count("pk", filter=Q(answered_at__isnull=False))
    row = surveys.filter(sent_at__gte=since, sent_at__lt=until).aggregate(
        sent=Count("pk"), answered=answered,
        rate=Cast(answered, FloatField()) / NullIf(Cast(Count("pk"), FloatField()), Value(0.0)))
    return {"sent": row["sent"], "answered": row["answered"], "rate": fnum(row["rate"], 4)}
