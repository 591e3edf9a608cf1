"""Chart specifications (ECharts, vendored) made from the stored figures when a page is shown,
in the reader's language. ``static/reports/reports.js`` turns each spec into an ECharts option.

A spec: {"title", "categories": [x labels], "series": [{"name", "type": bar|line, "data",
"stack"?, "axis"?: 0|1, "color"?}], "axes": [{"name", "max"?}], "horizontal"?: bool}.
"""

from django.utils.translation import gettext as _

from .choices import ReportKind

CAT_COLOURS = {"A": "#c62828", "B": "#0b6bcb", "C": "#1a7f37", "D": "#8a96a3"}
CATS = tuple(CAT_COLOURS)


def _by_category(rows, label_key, prefix, title, axis_name, stack="cat"):
    return {
        "title": title,
        "categories": [str(r[label_key]) for r in rows],
        "series": [{"name": _("Category %(cat)s") % {"cat": c}, "type": "bar", "stack": stack,
                    "color": CAT_COLOURS[c], "data": [r.get(f"{prefix}{c}", 0) for r in rows]}
                   for c in CATS],
        "axes": [{"name": axis_name, "integer": prefix.startswith("jobs")}],
    }


def _hours_split(rows, title):
    return {
        "title": title,
        "categories": [r["name"] for r in rows],
        "series": [
            {"name": _("On site"), "type": "bar", "stack": "h", "color": "#0b6bcb",
             "data": [r["site_hours"] for r in rows]},
            {"name": _("At the bench"), "type": "bar", "stack": "h", "color": "#b26a00",
             "data": [r["bench_hours"] for r in rows]},
            {"name": _("Parts value"), "type": "line", "axis": 1, "color": "#c62828",
             "data": [r["parts_value"] for r in rows]},
        ],
        "axes": [{"name": _("Hours")}, {"name": _("Parts value")}],
    }


def charts_for(figures: dict, *, viewer_id: int | None = None) -> list[dict]:
    kind = figures["kind"]
    technicians = figures.get("technicians", [])
    if viewer_id is not None:
        technicians = [t for t in technicians if t["technician"] == viewer_id]
    charts = []
    if kind in (ReportKind.TECHNICIAN_DAILY, ReportKind.SUPERVISOR_DAILY):
        charts.append(_by_category(technicians, "name", "jobs_", _("Jobs by technician and category"),
                                   _("Jobs")))
        charts.append(_hours_split(technicians, _("Hours by technician")))
    if kind == ReportKind.SUPERVISOR_DAILY:
        centre = figures["centre_figures"]
        charts.append({
            "title": _("Calls taken and jobs completed"),
            "categories": [_("Category %(cat)s") % {"cat": c} for c in CATS],
            "series": [
                {"name": _("Calls taken"), "type": "bar", "color": "#0b6bcb",
                 "data": [centre[f"calls_{c}"] for c in CATS]},
                {"name": _("Completed"), "type": "bar", "color": "#1a7f37",
                 "data": [centre[f"completed_{c}"] for c in CATS]},
            ],
            "axes": [{"name": _("Requests"), "integer": True}],
        })
    if kind == ReportKind.DAILY_HOURS:
        charts.append(_hours_split(technicians, _("Man-hours and parts by technician")))
    if kind == ReportKind.WEEKLY_REPAIR:
        charts.append(_by_category(figures.get("by_day", []), "day", "jobs_",
                                   _("Repairs completed by day"), _("Jobs")))
    if kind == ReportKind.MONTHLY_HOURS:
        charts.append(_by_category(figures.get("by_day", []), "day", "hours_", _("Hours by day"),
                                   _("Hours")))
        charts.append(_by_category(technicians, "name", "hours_",
                                   _("Hours by technician and category"), _("Hours")))
    if kind in (ReportKind.WEEKLY_REPAIR, ReportKind.APPRAISAL):
        lines = figures.get("appraisal", [])
        if viewer_id is not None:
            lines = [line for line in lines if line["technician"] == viewer_id]
        charts.append({
            "title": _("Appraisal score (0–100)") if kind == ReportKind.APPRAISAL
            else _("Customer opinion and punctuality"),
            "categories": [line["name"] for line in lines],
            "series": ([{"name": _("Score"), "type": "bar", "color": "#0b6bcb",
                         "data": [line["score"] for line in lines]}]
                       if kind == ReportKind.APPRAISAL else [])
            + [{"name": _("Survey score"), "type": "bar", "color": "#1a7f37",
                "data": [line["survey_score"] for line in lines]},
               {"name": _("Punctuality %"), "type": "bar", "color": "#b26a00",
                "data": [round(line["punctuality"] * 100, 1) if line["punctuality"] is not None
                         else None for line in lines]}],
            "axes": [{"name": "0–100", "max": 100}],
        })
    return [chart for chart in charts if chart["categories"]]


def dashboard_charts(figures: dict) -> list[dict]:
    charts = []
    surveys = figures.get("surveys")
    if surveys and any(row["surveys"] for row in surveys["trend"]):
        trend = surveys["trend"]
        charts.append({
            "title": _("Customer satisfaction by month"),
            "categories": [row["month"] for row in trend],
            "series": [
                {"name": _("Surveys answered"), "type": "bar", "axis": 1, "color": "#b9c3cf",
                 "data": [row["surveys"] for row in trend]},
                {"name": _("Survey score"), "type": "line", "color": "#1a7f37",
                 "data": [row["score"] for row in trend]},
            ],
            "axes": [{"name": _("Score"), "max": 100}, {"name": _("Surveys"), "integer": True}],
            "key": "satisfaction",
        })
    technicians = figures.get("technicians", [])
    if technicians:
        charts.append({
            "title": _("Today's jobs by technician"),
            "categories": [t["name"] for t in technicians],
            "series": [
                {"name": _("Done today"), "type": "bar", "stack": "j", "color": "#1a7f37",
                 "data": [t["done_today"] for t in technicians]},
                {"name": _("Open in the field"), "type": "bar", "stack": "j", "color": "#0b6bcb",
                 "data": [t["open_jobs"] for t in technicians]},
                {"name": _("At the workshop"), "type": "bar", "stack": "j", "color": "#b26a00",
                 "data": [t["at_workshop"] for t in technicians]},
            ],
            "axes": [{"name": _("Jobs"), "integer": True}],
            "key": "technicians",
        })
    return charts


def parts_monthly_chart(figures: dict) -> list[dict]:
    """配件月报: value out by service centre, charged and free stacked, returns beside them."""
    rows = figures["by_centre"]
    if not rows:
        return []
    return [{
        "title": _("Parts value by service centre"),
        "categories": [r["name"] for r in rows],
        "series": [
            {"name": _("Charged value"), "type": "bar", "stack": "out", "color": "#0b6bcb",
             "data": [float(r["charged_value"]) for r in rows]},
            {"name": _("Free value"), "type": "bar", "stack": "out", "color": "#1a7f37",
             "data": [float(r["free_value"]) for r in rows]},
            {"name": _("Returned value"), "type": "bar", "color": "#b26a00",
             "data": [float(r["returned_value"]) for r in rows]},
        ],
        "axes": [{"name": _("Value (¥)")}],
        "key": "parts_value",
    }]
