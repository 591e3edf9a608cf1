"""The platforms' metrics page (EC-4): per shop, the 30-day dispute rate, the 90-day ratings,
the response rate within 60 working minutes, daily trends as charts, Excel."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.accounts.permissions import desk_required
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response

from .models import Shop
from .selectors import shop_metrics, shop_trend

TREND_DAYS = 30


def _percent(rate):
    return None if rate is None else float(rate * 100)


def _charts(shop: Shop, trend: list[dict]) -> list[dict]:
    days = [row["day"].strftime("%m-%d") for row in trend]
    return [
        {"title": _("%(shop)s: buyers asking and answered within 60 minutes")
         % {"shop": shop.name}, "key": f"response-{shop.pk}",
         "categories": days,
         "series": [
             {"name": _("Inquirers"), "type": "bar", "color": "#8a96a3",
              "data": [row["inquirers"] for row in trend]},
             {"name": _("Answered in time"), "type": "bar", "color": "#1a7f37",
              "data": [row["answered"] for row in trend]},
             {"name": _("Response rate %"), "type": "line", "axis": 1, "color": "#0b6bcb",
              "data": [_percent(row["rate"]) for row in trend]},
         ],
         "axes": [{"name": _("Buyers"), "integer": True}, {"name": "%", "max": 100}]},
        {"title": _("%(shop)s: platform disputes per day") % {"shop": shop.name},
         "key": f"disputes-{shop.pk}", "categories": days,
         "series": [{"name": _("Disputes"), "type": "bar", "color": "#c62828",
                     "data": [row["disputes"] for row in trend]}],
         "axes": [{"name": _("Disputes"), "integer": True}]},
    ]


def _figures(now):
    rows = []
    for shop in Shop.objects.filter(active=True).order_by("name"):
        trend = shop_trend(shop, days=TREND_DAYS, now=now)
        rows.append({"metrics": shop_metrics(shop, now=now), "trend": trend,
                     "penalty_days": [r["day"] for r in trend if r["penalty"]]})
    return rows


@require_GET
@desk_required
def metrics(request):
    now = timezone.now()
    rows = _figures(now)
    charts = [chart for row in rows for chart in _charts(row["metrics"]["shop"], row["trend"])]
    return render(request, "shop/metrics.html", {"rows": rows, "charts": charts, "now": now,
                                                 "days": TREND_DAYS})


@require_GET
@desk_required
def metrics_excel(request):
    now = timezone.now()
    workbook = workbook_new(title=_("Platform metrics"), subject=_("Online shops"))
    used: set[str] = set()
    summary = sheet_add(workbook, _("Metrics"), used)
    row_append(summary, [_("Shop"), _("Platform"), _("Orders (30 days)"),
                         _("Disputes (30 days)"), _("Dispute rate %"),
                         _("Description (90 days)"), _("Logistics (90 days)"),
                         _("Service (90 days)"), _("Ratings"), _("Inquirers (30 days)"),
                         _("Answered within 60 minutes"), _("Response rate %")])
    rows = _figures(now)
    for row in rows:
        m = row["metrics"]
        row_append(summary, [
            m["shop"].name, m["shop"].get_platform_display(), m["orders30"], m["disputes30"],
            _percent(m["dispute_rate"]), m["ratings"]["description"], m["ratings"]["logistics"],
            m["ratings"]["service"], m["ratings"]["count"], m["response"]["inquirers"],
            m["response"]["answered"], _percent(m["response"]["rate"])])
    for row in rows:
        sheet = sheet_add(workbook, row["metrics"]["shop"].name, used)
        row_append(sheet, [_("Day"), _("Inquirers"), _("Answered in time"),
                           _("Response rate %"), _("Disputes"), _("Penalty risk")])
        for day in row["trend"]:
            row_append(sheet, [day["day"], day["inquirers"], day["answered"],
                               _percent(day["rate"]), day["disputes"],
                               _("yes") if day["penalty"] else ""])
    return xlsx_response(workbook, f"shop-metrics-{timezone.localdate():%Y%m%d}.xlsx")
