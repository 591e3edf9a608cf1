"""The care start page: today's and this week's calendar (a message due today or tomorrow can be
sent by hand from it), due visits, churn signals."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.dates import local_today
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.validators import phone_display
from aftersales.core.views import page_query, service_value
from aftersales.customers.models import Customer

from .. import defaults, services
from ..choices import MessageChannel
from ..forms import CareMessageSendForm
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
        # the calendar's "Send now": today's messages and tomorrow's (desk_required: the desk)
        "send_until": today + timedelta(days=defaults.SEND_EARLY_DAYS),
        "today_items": today_items[:CALENDAR_LIMIT], "today_more": max(0, len(today_items) - CALENDAR_LIMIT),
        "week_items": week_items[:CALENDAR_LIMIT], "week_more": max(0, len(week_items) - CALENDAR_LIMIT),
        "due": visits_due(user=request.user, until=week_end),
        "churn_page": churn_page, "page": churn_page, "query": page_query(request),
        "churn_key_accounts": key_accounts, "policy": policy,
        "lost": list(lost_contract_list(months=policy.churn_months, today=today)[:CHURN_PAGE]),
    })


@require_POST
@desk_required
def care_message_send(request):
    """"Send now" on the calendar: one care message, sent at once (and never again)."""
    form = CareMessageSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect("care:home")
    data = form.cleaned_data
    customer = get_restricted(Customer.objects.all(), request.user, pk=data["customer"])
    done, message = service_value(request, lambda: services.care_message_send_now(
        actor=request.user, customer=customer, occasion=data["occasion"], key=data["key"]))
    if done:
        messages.success(request, _("%(occasion)s message sent to %(customer)s (%(to)s).") % {
            "occasion": message.get_occasion_display(), "customer": customer.name,
            "to": phone_display(message.to) if message.channel == MessageChannel.SMS else message.to})
    return redirect("care:home")
