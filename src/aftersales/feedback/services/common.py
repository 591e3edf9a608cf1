"""Shared by the feedback services: the system actor, time, contacts, notifications."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.calendar import DEFAULT_TZ, calendar_for
from aftersales.core.models import Notification
from aftersales.service.choices import Status

from ..choices import MessageChannel
from ..models import FeedbackSettings

CASE_PREFIX = "FB"
DONE_STATUSES = (Status.COMPLETED, Status.CLOSED)
EARLY_TOLERANCE = timedelta(seconds=5)
STALE_SENDING = timedelta(minutes=15)


class SystemActor:
    """The product itself acting (a task, a customer's answer): allowed, and no user recorded."""

    is_superuser = True
    is_authenticated = False
    is_active = True
    role = None
    pk = None


SYSTEM = SystemActor()


class SurveyUnavailable(Exception):
    """A survey link that does not open a survey: ``reason`` is invalid, used or expired."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# --- time -------------------------------------------------------------------------------------

def centre_tz(centre) -> ZoneInfo:
    return ZoneInfo(getattr(centre, "time_zone", "") or DEFAULT_TZ)


def survey_due_at(completed_at: datetime, centre, policy: FeedbackSettings) -> datetime:
    """FB-1: the morning after the job, at the configured hour in the centre's time zone."""
    tz = centre_tz(centre)
    day = timezone.localtime(completed_at, tz).date() + timedelta(days=1)
    return datetime.combine(day, policy.survey_hour, tz)


def working_day_start(after: datetime, centre, days: int = 1) -> datetime:
    """The opening time of the ``days``-th working day after ``after`` (0: ``after`` itself)."""
    if days <= 0:
        return after
    cal = calendar_for(centre)
    day = timezone.localtime(after, cal.tz).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return datetime.combine(day, cal.opens, cal.tz)


# --- contacts ---------------------------------------------------------------------------------

def _is_mobile(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone or "", "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in {phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def customer_mobile(customer) -> str:
    for phone in (customer.phone, customer.phone_alt):
        if phone and _is_mobile(phone):
            return phone
    return ""


def customer_destinations(customer) -> list[tuple[str, str]]:
    """Where a customer can be written to: a mobile for SMS, an e-mail address; both if both."""
    out = []
    if mobile := customer_mobile(customer):
        out.append((MessageChannel.SMS, mobile))
    if customer.email:
        out.append((MessageChannel.EMAIL, customer.email))
    return out


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def hq_managers():
    return User.objects.filter(role=Role.MANAGER, service_centre__isnull=True, is_active=True)


def notify(users, text: str, link: str, level: str) -> None:
    Notification.objects.bulk_create([
        Notification(user=user, text=text[:300], link=link, level=level) for user in users])

