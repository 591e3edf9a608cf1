"""The care start page: today's and this week's calendar, due visits, churn signals."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.accounts.permissions import desk_required
from aftersales.core.dates import local_today
from aftersales.core.views import page_query

from ..models import CareSettings, KeyAccount
from ..selectors import CALENDAR_LIMIT, care_calendar, churn_list, lost_contract_list, visits_due

CHURN_PAGE = 20


@require_GET
@desk_required
def care_home(request):
    today = local_today()
    policy = CareSettings.load()
    week_end = today + timedelta(days=6)
    items = care_calendar(start=today, end=week_end, policy=policy)
    today_items = [i for i in items if i.day == today]
    week_items = [i for i in items if i.day != today]
    churn = Paginator(churn_list(months=policy.churn_months, today=today), CHURN_PAGE)
    churn_page = churn.get_page(request.GET.get("page"))
    key_accounts = set(KeyAccount.objects.filter(
        active=True, customer__in=[c.pk for c in churn_page.object_list])
        .values_list("customer_id", flat=True))
    return render(request, "care/home.html", {
        "today": today, "week_end": week_end,
        "today_items": today_items[:CALENDAR_LIMIT], "today_more": max(0, len(today_items) - CALENDAR_LIMIT),
        "week_items": week_items[:CALENDAR_LIMIT], "week_more": max(0, len(week_items) - CALENDAR_LIMIT),
        "due": visits_due(user=request.user, until=week_end),
        "churn_page": churn_page, "page": churn_page, "query": page_query(request),
        "churn_key_accounts": key_accounts, "policy": policy,
        "lost": list(lost_contract_list(months=policy.churn_months, today=today)[:CHURN_PAGE]),
    })
