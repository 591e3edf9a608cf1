"""The chart of the month's figures, in the spec reports' charts use (reports.js + ECharts)."""

from django.utils.translation import gettext as _

CAT_COLOURS = {"A": "#c62828", "B": "#0b6bcb", "C": "#1a7f37", "D": "#8a96a3"}
FREE_COLOURS = {"A": "#ef9a9a", "B": "#90caf9", "C": "#a5d6a7", "D": "#cfd8dc"}


def figures_charts(figures: dict) -> list[dict]:
    rows = figures["by_centre"]
    charts = [{
        "title": _("Charged and free work by service centre"),
        "categories": [r["centre"] for r in rows],
        "series": (
            [{"name": _("Charged %(cat)s") % {"cat": c}, "type": "bar", "stack": "charged",
              "color": CAT_COLOURS[c], "data": [float(r[f"charged_{c}"]) for r in rows]}
             for c in ("A",)]
            + [{"name": _("Free %(cat)s") % {"cat": c}, "type": "bar", "stack": "free",
                "color": FREE_COLOURS[c], "data": [float(r[f"free_{c}"]) for r in rows]}
               for c in ("A", "B", "C", "D")]),
        "axes": [{"name": "¥"}],
    }, {
        "title": _("After-sales revenue: collected and outstanding"),
        "categories": [_("Revenue")],
        "horizontal": True,
        "series": [
            {"name": _("Collected"), "type": "bar", "stack": "r", "color": "#1a7f37",
             "data": [float(figures["collected"])]},
            {"name": _("Outstanding"), "type": "bar", "stack": "r", "color": "#b26a00",
             "data": [float(figures["outstanding"])]},
        ],
        "axes": [{"name": "¥"}],
    }]
    return charts
