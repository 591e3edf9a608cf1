"""Bad weather (DS-6): the supervisor tells the customers of a day's visits, and sees whom each
notice told and how (the ones to call first)."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.permissions import dispatch_required
from aftersales.core.excel import tables_workbook, xlsx_response
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query
from aftersales.service.selectors import dispatch_centres

from ..choices import NoticeChannel
from ..forms import WeatherNoticeForm
from ..models import WeatherNotice
from ..problem import centre_today
from ..weather import DAYS_AHEAD, notice_address, weather_notice_send, weather_visits
from .common import centre_chosen


def _day(request, today: date) -> date:
    try:
        return date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        return today


def _page(request, centres, centre, *, form=None, status=200):
    context = {"centres": centres, "centre": centre}
    if centre is not None:
        today = centre_today(centre)
        sent = getattr(form, "cleaned_data", {}) if form is not None else {}
        day = sent.get("day") or _day(request, today)
        visits = [(visit, notice_address(visit.customer)[0])
                  for visit in weather_visits(centre, day, untold=True)]
        notices = (WeatherNotice.objects.restrict(request.user).filter(service_centre=centre)
                   .select_related("sent_by")
                   .annotate(told=Count("recipients"),
                             to_call=Count("recipients",
                                           filter=Q(recipients__channel=NoticeChannel.CALL)))
                   .order_by("-sent_at", "-id"))
        context |= {
            "today": today, "day": day, "visits": visits,
            "last_day": today + timedelta(days=DAYS_AHEAD),
            "form": form or WeatherNoticeForm(initial={"day": day, "centre": centre.pk}),
            "page": Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": page_query(request),
        }
    return render(request, "dispatch/weather/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@dispatch_required
def weather(request):
    """GET: the form with the visits of the chosen day still to tell, and the notices sent;
    POST: tell them."""
    centres = dispatch_centres(user=request.user)
    centre = centre_chosen(request, centres)
    if request.method == "GET":
        return _page(request, centres, centre)
    if centre is None:
        raise Http404
    form = WeatherNoticeForm(request.POST)
    if form.is_valid():
        try:
            notice = weather_notice_send(actor=request.user, centre=centre,
                                         day=form.cleaned_data["day"],
                                         reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc.message))
        else:
            counts = {c: 0 for c in NoticeChannel.values}
            for recipient in notice.recipients.all():
                counts[recipient.channel] += 1
            messages.success(request, _(
                "%(told)d customers told: %(sms)d by SMS, %(email)d by e-mail; %(call)d to call.")
                % {"told": sum(counts.values()), **counts})
            return redirect("dispatch:weather_notice", pk=notice.pk)
    return _page(request, centres, centre, form=form, status=400)


@require_GET
@dispatch_required
def weather_notice(request, pk):
    """Whom a notice told and how: the customers to call first; Excel with ``?format=xlsx``."""
    notice = get_restricted(WeatherNotice.objects.select_related("service_centre", "sent_by"),
                            request.user, pk=pk)
    recipients = list(notice.recipients.select_related("request", "request__customer",
                                                       "request__assigned_technician")
                      .order_by("request__appointment_at", "id"))
    recipients.sort(key=lambda r: r.channel != NoticeChannel.CALL)  # those to call first
    if request.GET.get("format") == "xlsx":
        head = [_("Request"), _("Customer"), _("Appointment"), _("Technician"), _("Told by"),
                _("Sent to")]
        rows = [[r.request.number, r.request.customer.name,
                 r.request.appointment_at, str(r.request.assigned_technician or ""),
                 r.get_channel_display(), r.address] for r in recipients]
        title = _("Weather notice %(day)s") % {"day": notice.day.isoformat()}
        return xlsx_response(tables_workbook(title=title, tables=[
            {"title": title, "head": head, "rows": rows}]),
            f"weather-{notice.service_centre.code}-{notice.day.isoformat()}.xlsx")
    return render(request, "dispatch/weather/detail.html", {
        "notice": notice, "recipients": recipients,
        "to_call": sum(1 for r in recipients if r.channel == NoticeChannel.CALL)})
