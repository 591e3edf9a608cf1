"""Bad weather (DS-6): the customers of a day's visits are told.

A supervisor says that the weather stops or delays his centre's visits on a day
(:func:`weather_notice_send`). Every customer with a visit that day — an appointment on the
day, or a planned visit due that day without one, the work not yet begun — who was not told yet
is told in his own language: a text to his mobile, else an e-mail, else he is listed for the
desk to call (a landline). Each request is told once a day (a unique constraint), so a notice
sent again later that day tells only the visits booked since. The notice, who was told and how,
an event on each request and a word to each technician of those visits are one transaction; the
messages go after it commits. The visits themselves stay as they are: the supervisor re-plans
them as usual (the queue, the day plan).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.models import ServiceCentre
from aftersales.accounts.permissions import DISPATCH_ROLES
from aftersales.core.events import event_append, event_make, events_append
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.messaging import mail_send_after_commit, sms_send_after_commit
from aftersales.core.models import Notification
from aftersales.customers.selectors import customer_mobile, message_language
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import dispatch_centres

from .choices import NoticeChannel
from .models import WeatherNotice, WeatherNoticeRecipient
from .problem import centre_today

NOT_BEGUN = (Status.REGISTERED, Status.ASSIGNED, Status.EN_ROUTE)
DAYS_AHEAD = 7  # a forecast is good for about a week


def _day_bounds(centre: ServiceCentre, day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(centre.time_zone) if centre.time_zone else timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def weather_visits(centre: ServiceCentre, day: date, *, untold: bool = False):
    """The centre's visits on ``day`` not begun yet: an appointment that day, or a planned
    visit due that day without one; ``untold``: only those no notice told yet that day."""
    start, end = _day_bounds(centre, day)
    visits = (ServiceRequest.objects
              .filter(Q(appointment_at__gte=start, appointment_at__lt=end)
                      | Q(appointment_at__isnull=True, planned_for=day),
                      service_centre=centre, status__in=NOT_BEGUN)
              .select_related("customer", "assigned_technician")
              .order_by("appointment_at", "id"))
    if untold:
        visits = visits.exclude(Exists(WeatherNoticeRecipient.objects.filter(
            request=OuterRef("pk"), day=day)))
    return visits


def may_send(user, centre: ServiceCentre | None) -> bool:
    """Who tells the customers: a dispatcher of the centre (its supervisor; the company-wide
    roles for any centre)."""
    if centre is None or not (user.is_superuser or getattr(user, "role", None) in DISPATCH_ROLES):
        return False
    return any(c.pk == centre.pk for c in dispatch_centres(user=user))


def notice_address(customer) -> tuple[str, str]:
    """(channel, address) of a weather notice to ``customer``: his mobile, else his e-mail,
    else his phone for the desk to call."""
    if mobile := customer_mobile(customer):
        return NoticeChannel.SMS, mobile
    if customer.email:
        return NoticeChannel.EMAIL, customer.email
    return NoticeChannel.CALL, customer.phone or customer.phone_alt or ""


def notice_text(request: ServiceRequest, day: date, reason: str) -> tuple[str, str]:
    """(subject, text) of the notice to the request's customer, in his language."""
    with translation.override(message_language(request.customer)):
        values = {"customer": request.customer.name, "day": day.isoformat(), "reason": reason,
                  "number": request.number}
        subject = _("Your service visit on %(day)s may be delayed") % values
        text = _("%(customer)s, because of the weather (%(reason)s) our visit on %(day)s for "
                 "request %(number)s may be late or moved. We will call you to agree a new time "
                 "if it is. We are sorry for the trouble.") % values
    return subject, text


def _clean(centre, day, reason) -> tuple[date, str]:
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say what the weather is (typhoon, rainstorm, snow …).")]
    elif len(reason) > 100:
        errors["reason"] = [_("Say it in at most 100 characters.")]
    today = centre_today(centre)
    if not isinstance(day, date):
        errors["day"] = [_("Enter the day as YYYY-MM-DD.")]
    elif day < today:
        errors["day"] = [_("A day that has gone by cannot be told about.")]
    elif day > today + timedelta(days=DAYS_AHEAD):
        errors["day"] = [_("Tell customers at most %(n)d days ahead: a forecast is not good "
                           "for longer.") % {"n": DAYS_AHEAD}]
    if errors:
        raise ValidationError(errors)
    return day, reason


def weather_notice_send(*, actor, centre: ServiceCentre, day: date, reason: str) -> WeatherNotice:
    """Tell every customer with a visit at ``centre`` on ``day`` not told yet that the weather
    (``reason``) may delay it; one transaction under the centre's row lock, so two supervisors
    at once tell each customer once. Nothing left to tell is refused by name."""
    if not may_send(actor, centre):
        raise PermissionDenied(_("Only a supervisor of %(centre)s tells its customers.")
                               % {"centre": centre})
    day, reason = _clean(centre, day, reason)
    with transaction.atomic():
        ServiceCentre.objects.select_for_update().filter(pk=centre.pk).first()
        visits = list(weather_visits(centre, day, untold=True))
        if not visits:
            raise ValidationError({"day": [
                _("No customer with a visit on %(day)s is left to tell.")
                % {"day": day.isoformat()}]})
        notice = WeatherNotice.objects.create(service_centre=centre, day=day, reason=reason,
                                              sent_at=timezone.now(), sent_by=actor)
        rows, events, counts = [], [], {channel: 0 for channel in NoticeChannel.values}
        for request in visits:
            channel, address = notice_address(request.customer)
            subject, text = notice_text(request, day, reason)
            if channel == NoticeChannel.SMS:
                sms_send_after_commit(address, text)
            elif channel == NoticeChannel.EMAIL:
                mail_send_after_commit(address, subject, text)
            counts[channel] += 1
            rows.append(WeatherNoticeRecipient(notice=notice, request=request, day=day,
                                               channel=channel, address=address))
            events.append(event_make(subject=request, action="weather_notice", actor=actor,
                                     note=f"{reason} · {NoticeChannel(channel).label}",
                                     data={"notice": notice.pk, "day": day.isoformat(),
                                           "channel": channel}))
        WeatherNoticeRecipient.objects.bulk_create(rows)
        events_append(events)
        technicians = {r.assigned_technician_id for r in visits if r.assigned_technician_id}
        Notification.objects.bulk_create([
            Notification(user_id=user_id, level="warning",
                         text=_("Bad weather (%(reason)s): the customers of your visits on "
                                "%(day)s were told they may be late or moved.")
                         % {"reason": reason, "day": day.isoformat()},
                         link="/field/")
            for user_id in sorted(technicians)])
        event_append(subject=notice, action="send", actor=actor, note=reason,
                     data={"day": day.isoformat(), "told": len(visits), **counts})
    return notice
