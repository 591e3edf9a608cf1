"""The tables of each report, shared by its page and its Excel file (house style rule 9): which
columns, in which order, with which labels and number formats, from the stored figures.

Rows and totals come from the run's figures as the selectors computed them; a technician sees
only his own rows, and his own line as the total.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ReportKind

CATS = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # int, hours, money, percent, score, rating, text, date, category, rank


@dataclass
class Table:
    name: str  # sheet name
    title: str
    columns: list[Column]
    rows: list[dict]
    totals: dict | None = None
    totals_label: str = ""
    note: str = ""
    key: str = ""
    extra: dict = field(default_factory=dict)


def _c(key, label, kind="int"):
    return Column(key, label, kind)


NAME = _c("name", _("Technician"), "text")


def _jobs_by_cat():
    return [_c(f"jobs_{c}", _("Jobs %(cat)s") % {"cat": c}) for c in CATS]


def _hours_by_cat():
    return [_c(f"hours_{c}", _("Hours %(cat)s") % {"cat": c}, "hours") for c in CATS]


def technician_columns(kind: str) -> list[Column]:
    if kind == ReportKind.DAILY_HOURS:
        return [NAME, _c("site_hours", _("Hours on site"), "hours"),
                _c("bench_hours", _("Hours at the bench"), "hours"), _c("hours", _("Hours"), "hours"),
                _c("visits", _("Visits")), _c("on_site_hours", _("Time on site (h)"), "hours"),
                _c("jobs", _("Jobs")), _c("parts", _("Parts fitted")),
                _c("parts_value", _("Parts value"), "money"),
                _c("parts_charged", _("Charged to customers"), "money"),
                _c("parts_free", _("Free (warranty)"), "money")]
    if kind == ReportKind.MONTHLY_HOURS:
        return [NAME, *_hours_by_cat(), _c("site_hours", _("On site"), "hours"),
                _c("bench_hours", _("At the bench"), "hours"), _c("hours", _("Hours"), "hours"),
                _c("days_worked", _("Days worked")),
                _c("hours_per_day", _("Hours per day worked"), "hours"), _c("jobs", _("Jobs"))]
    return [NAME, *_jobs_by_cat(), _c("jobs", _("Jobs")), _c("hours", _("Hours"), "hours"),
            _c("on_site_hours", _("Time on site (h)"), "hours"), _c("visits", _("Visits")),
            _c("unfinished", _("Unfinished visits")), _c("parts_value", _("Parts value"), "money")]


JOB_COLUMNS = [
    NAME, _c("number", _("Request"), "text"), _c("category", _("Category"), "category"),
    _c("customer", _("Customer"), "text"), _c("hours", _("Hours"), "hours"),
    _c("bench_hours", _("of which at the bench"), "hours"),
    _c("on_site_hours", _("Time on site (h)"), "hours"), _c("visits", _("Visits")),
    _c("unfinished", _("Unfinished visits")), _c("parts_value", _("Parts value"), "money"),
]

APPRAISAL_COLUMNS = [
    _c("rank", _("Rank"), "rank"), NAME, _c("score", _("Score"), "score"),
    _c("surveys", _("Surveys answered")), _c("survey_score", _("Survey score"), "score"),
    _c("s_attitude", _("Attitude"), "rating"), _c("s_skill", _("Skill"), "rating"),
    _c("s_punctuality", _("Arrival time"), "rating"), _c("s_promise", _("Keeping promises"), "rating"),
    _c("lowest", _("Lowest level given")), _c("deadlines", _("Arrival deadlines")),
    _c("on_time", pgettext_lazy("count", "On time")), _c("punctuality", _("Punctuality"), "percent"),
    _c("jobs", _("Jobs completed")), _c("reopened", _("Reopened")),
    _c("hours", _("Hours"), "hours"), _c("hours_per_job", _("Hours per job"), "hours"),
    _c("parts_value", _("Parts value"), "money"), _c("parts_free", _("Free (warranty)"), "money"),
]

WEEKLY_APPRAISAL_COLUMNS = [
    NAME, _c("jobs", _("Jobs completed")), _c("reopened", _("Reopened")),
    _c("surveys", _("Surveys answered")), _c("survey_score", _("Customer opinion (score)"), "score"),
    _c("lowest", _("Lowest level given")), _c("hours", _("Hours"), "hours"),
    _c("hours_per_job", _("Hours per job"), "hours"), _c("punctuality", _("Punctuality"), "percent"),
    _c("parts_value", _("Parts value"), "money"), _c("parts_free", _("Free (warranty)"), "money"),
]


def _mine(rows, viewer_id):
    return rows if viewer_id is None else [r for r in rows if r.get("technician") == viewer_id]


def _totals(figures, rows, viewer_id, key="totals"):
    if viewer_id is None:
        return figures.get(key)
    return rows[0] if rows else None


def tables_for(figures: dict, *, viewer_id: int | None = None) -> list[Table]:
    """The report's tables. ``viewer_id``: a technician who sees only his own rows."""
    kind = figures["kind"]
    total = _("Total") if viewer_id is None else _("Mine")
    tables = []
    if kind in (ReportKind.SUPERVISOR_DAILY, ReportKind.WEEKLY_REPAIR) and viewer_id is None:
        centre = figures["centre_figures"]
        rows = [{"name": str(_("Category %(cat)s") % {"cat": c}), "calls": centre[f"calls_{c}"],
                 "completed": centre[f"completed_{c}"]} for c in CATS]
        tables.append(Table(
            "calls", _("Calls and completed jobs by category"),
            [_c("name", _("Category"), "text"), _c("calls", _("Calls taken")),
             _c("completed", _("Completed"))],
            rows, {"calls": centre["calls"], "completed": centre["completed"]}, total,
            key="calls"))
    if kind == ReportKind.WEEKLY_REPAIR and viewer_id is None:
        days = figures.get("by_day", [])
        centre = figures["centre_figures"]
        tables.append(Table(
            "days", _("Repairs completed by day"),
            [_c("day", _("Day"), "date"), *_jobs_by_cat(), _c("jobs", _("Jobs"))],
            days, {"jobs": centre["completed"], **{f"jobs_{c}": centre[f"completed_{c}"] for c in CATS}},
            total, key="days"))
    if kind in (ReportKind.WEEKLY_REPAIR, ReportKind.APPRAISAL):
        rows = _mine(figures.get("appraisal", []), viewer_id)
        columns = APPRAISAL_COLUMNS if kind == ReportKind.APPRAISAL else WEEKLY_APPRAISAL_COLUMNS
        tables.append(Table(
            "appraisal", _("Technician appraisal"), columns, rows,
            _totals(figures, rows, viewer_id, "appraisal_totals") if viewer_id is None else None,
            total, key="appraisal"))
    if kind != ReportKind.APPRAISAL and not (viewer_id and kind == ReportKind.TECHNICIAN_DAILY):
        rows = _mine(figures.get("technicians", []), viewer_id)
        title = (_("Man-hours and expenses by technician") if kind == ReportKind.DAILY_HOURS
                 else _("Man-hours by technician") if kind == ReportKind.MONTHLY_HOURS
                 else _("Jobs and time by technician"))
        tables.append(Table("technicians", title, technician_columns(kind), rows,
                            _totals(figures, rows, viewer_id), total, key="technicians"))
    if kind == ReportKind.TECHNICIAN_DAILY:
        rows = _mine(figures.get("jobs", []), viewer_id)
        mine = _totals(figures, _mine(figures.get("technicians", []), viewer_id), viewer_id)
        tables.append(Table("jobs", _("Each job: category and time spent"), JOB_COLUMNS, rows,
                            mine, total, key="jobs"))
    if kind == ReportKind.MONTHLY_HOURS and viewer_id is None:
        tables.append(Table(
            "days", _("Hours by day"), [_c("day", _("Day"), "date"), *_hours_by_cat(),
                                       _c("hours", _("Hours"), "hours")],
            figures.get("by_day", []), figures.get("totals"), total, key="days"))
    if viewer_id is not None:  # his own report: no name column, no total of a single line
        for table in tables:
            table.columns = [c for c in table.columns if c.key != "name"]
            if table.key != "jobs":
                table.totals = None
    return tables


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    kind: str = "int"
    tone: str = ""
    sub: str = ""


def key_figures(figures: dict, *, viewer_id: int | None = None) -> list[Figure]:
    """The few numbers at the top of a report page."""
    kind = figures["kind"]
    if viewer_id is not None:
        key = "appraisal" if kind == ReportKind.APPRAISAL else "technicians"
        mine = next((r for r in figures.get(key, []) if r["technician"] == viewer_id), None)
        if mine is None:
            return []
        if kind == ReportKind.APPRAISAL:
            return [Figure(_("Rank"), mine["rank"], "rank"), Figure(_("Score"), mine["score"], "score"),
                    Figure(_("Survey score"), mine["survey_score"], "score"),
                    Figure(_("Punctuality"), mine["punctuality"], "percent"),
                    Figure(_("Jobs completed"), mine["jobs"]), Figure(_("Hours"), mine["hours"], "hours")]
        return [Figure(_("Jobs"), mine["jobs"]), Figure(_("Hours"), mine["hours"], "hours"),
                Figure(_("Time on site (h)"), mine["on_site_hours"], "hours"),
                Figure(_("Visits"), mine["visits"]), Figure(_("Parts value"), mine["parts_value"], "money")]
    totals = figures.get("totals") or {}
    centre = figures.get("centre_figures") or {}
    surveys = figures.get("surveys") or {}
    if kind in (ReportKind.TECHNICIAN_DAILY, ReportKind.DAILY_HOURS, ReportKind.MONTHLY_HOURS):
        out = [Figure(_("Jobs"), totals.get("jobs")), Figure(_("Hours"), totals.get("hours"), "hours"),
               Figure(_("On site"), totals.get("site_hours"), "hours"),
               Figure(_("At the bench"), totals.get("bench_hours"), "hours"),
               Figure(_("Parts value"), totals.get("parts_value"), "money",
                      sub=str(_("free (warranty): %(v)s") % {"v": totals.get("parts_free")}))]
        if kind == ReportKind.TECHNICIAN_DAILY:
            out.insert(3, Figure(_("Unfinished visits"), totals.get("unfinished"),
                                 tone="warn" if totals.get("unfinished") else ""))
        return out
    if kind in (ReportKind.SUPERVISOR_DAILY, ReportKind.WEEKLY_REPAIR):
        repaired_first = centre.get("repaired_first")  # absent from runs before it was counted
        out = [Figure(_("Calls taken"), centre.get("calls"),
                      sub=str(_("%(n)s repaired before their paperwork") % {"n": repaired_first})
                      if repaired_first else ""),
               Figure(_("Dispatched"), centre.get("dispatched")),
               Figure(_("Completed"), centre.get("completed"), tone="ok"),
               Figure(_("Not dispatched"), centre.get("undispatched"),
                      tone="warn" if centre.get("undispatched") else "",
                      sub=str(_("go first tomorrow"))),
               Figure(_("Arrivals on time"), centre.get("punctuality"), "percent",
                      sub=str(_("%(on)s of %(all)s deadlines") % {"on": centre.get("on_time"),
                                                                 "all": centre.get("deadlines")})),
               Figure(_("Deadlines missed"), centre.get("missed"),
                      tone="bad" if centre.get("missed") else ""),
               Figure(_("Hours"), totals.get("hours"), "hours")]
        if figures.get("surveys") is not None:
            out.append(Figure(_("Survey score"), surveys.get("score"), "score",
                              sub=str(_("%(n)s answers") % {"n": surveys.get("surveys")})))
        return out
    lines = figures.get("appraisal_totals") or {}
    out = [Figure(_("Jobs completed"), lines.get("jobs")),
           Figure(_("Reopened"), lines.get("reopened"), tone="warn" if lines.get("reopened") else ""),
           Figure(_("Punctuality"), lines.get("punctuality"), "percent"),
           Figure(_("Hours"), lines.get("hours"), "hours"),
           Figure(_("Parts value"), lines.get("parts_value"), "money")]
    if figures.get("surveys") is not None:
        out.insert(0, Figure(_("Survey score"), lines.get("survey_score"), "score",
                             sub=str(_("%(n)s answers") % {"n": lines.get("surveys")})))
    return out


def _parts_columns(first: Column) -> list[Column]:
    return [first, _c("out_quantity", _("Parts out"), "quantity"),
            _c("out_value", _("Value out"), "money"),
            _c("charged_quantity", _("Charged"), "quantity"),
            _c("charged_value", _("Charged value"), "money"),
            _c("free_quantity", _("Free (warranty)"), "quantity"),
            _c("free_value", _("Free value"), "money"),
            _c("returned_quantity", pgettext_lazy("quantity", "Returned"), "quantity"),
            _c("returned_value", _("Returned value"), "money"),
            _c("net_value", _("Net value"), "money")]


DEALER_PARTS_COLUMNS = [
    _c("name", _("Dealer"), "text"), _c("charged_quantity", _("Charged"), "quantity"),
    _c("charged_value", _("Charged value"), "money"),
    _c("free_quantity", _("Free (warranty)"), "quantity"),
    _c("returned_quantity", _("Parts sent back"), "quantity"),
    _c("returned_value", _("Value sent back"), "money"),
    _c("paid", _("Payments received"), "money"),
]


def parts_monthly_tables(figures: dict) -> list[Table]:
    """配件月报 (PT-4): parts out, charged / free, returned and their value, by service centre and
    by product model; parts sold to dealers (shipped in the month), by dealer, with what they
    paid in the month (``reports.selectors.parts``)."""
    totals = figures["totals"]
    return [
        Table("centres", _("Parts by service centre"),
              _parts_columns(_c("name", _("Service centre"), "text")), figures["by_centre"],
              totals, _("Total"), key="centres"),
        Table("models", _("Parts by product model"),
              _parts_columns(_c("name", _("Product model"), "text")), figures["by_model"],
              totals, _("Total"), key="models"),
        Table("dealers", _("Parts sold to dealers"), DEALER_PARTS_COLUMNS, figures["by_dealer"],
              figures["dealer_totals"], _("Total"), key="dealers"),
    ]
