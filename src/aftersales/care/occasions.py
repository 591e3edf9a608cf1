"""Which care occasions fall on which days (CR-1): pure functions over dates and rows.

Both the calendar page and the daily sending read them, so the calendar shows exactly what the
daily task sends (and, for contract expiry, what the contracts area sends).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q

from aftersales.customers.models import Customer, InstalledProduct, MaintenanceContract

from .choices import Occasion

HOLIDAY_LANGUAGES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW", "en": "en_US"}


@dataclass
class Item:
    """One occasion on the care calendar."""

    day: date
    occasion: str
    customer: Customer
    key: str                       # CareMessage.key: once per customer, occasion and key
    product: InstalledProduct | None = None
    contract: MaintenanceContract | None = None
    values: dict = field(default_factory=dict)  # placeholders of the message


@lru_cache(maxsize=16)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    return dict(holidays.China(years=year, language=language).items())


def holiday_greeting_days(start: date, end: date, language: str = "zh-hans") -> dict[date, str]:
    """The first day of each official holiday between ``start`` and ``end`` (inclusive), with
    its name: no days off swapped for weekends, no observed days, one greeting per holiday."""
    code = HOLIDAY_LANGUAGES.get(language, "zh_CN")
    found = {}
    for year in range(start.year, end.year + 1):
        english = _holiday_names(year, "en_US")
        named = _holiday_names(year, code)
        for day, name in english.items():
            if not (start <= day <= end) or name.startswith("Day off") or "(observed)" in name:
                continue
            if english.get(day - timedelta(days=1)) == name:
                continue  # the holiday's second or third day
            found[day] = named.get(day, name)
    return dict(sorted(found.items()))


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _one(queryset, field: str, customer_id: int | None):
    """``queryset`` narrowed to one customer's rows (``customer_id``), or all of them."""
    return queryset if customer_id is None else queryset.filter(**{field: customer_id})


def birthdays(start: date, end: date, *, customer_id: int | None = None):
    days = _days(start, end)[:366]
    match = Q(pk__in=[])
    for month, day in sorted({(d.month, d.day) for d in days}):
        match |= Q(birthday__month=month, birthday__day=day)
    by_month_day = {(d.month, d.day): d for d in days}
    for customer in _one(Customer.objects.filter(birthday__isnull=False).filter(match), "pk",
                         customer_id):
        day = by_month_day.get((customer.birthday.month, customer.birthday.day))
        if day is None:  # 29 February outside leap years: greeted on 28 February
            continue
        yield Item(day, Occasion.BIRTHDAY, customer, key=str(day.year))
    if any(d.month == 2 and d.day == 28 for d in days):
        feb28 = next(d for d in days if d.month == 2 and d.day == 28)
        if not _is_leap(feb28.year):
            for customer in _one(Customer.objects.filter(birthday__month=2, birthday__day=29),
                                 "pk", customer_id):
                yield Item(feb28, Occasion.BIRTHDAY, customer, key=str(feb28.year))


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def holiday_items(start: date, end: date, *, language: str, to_all: bool,
                  customer_id: int | None = None):
    days = holiday_greeting_days(start, end, language)
    if not days:
        return
    customers = _one(Customer.objects.all() if to_all else Customer.objects.filter(
        key_account__active=True), "pk", customer_id)
    for day, name in days.items():
        for customer in customers:
            yield Item(day, Occasion.HOLIDAY, customer, key=day.isoformat(),
                       values={"holiday": name})


def warranty_items(start: date, end: date, *, notice_days: int, customer_id: int | None = None):
    """Products whose warranty ends ``notice_days`` after a day in the range: the reminder is
    due that day."""
    products = (InstalledProduct.objects.filter(
        warranty_ends_on__range=(start + timedelta(days=notice_days),
                                 end + timedelta(days=notice_days)))
        .select_related("customer", "model"))
    products = _one(products, "customer_id", customer_id)
    for product in products:
        yield Item(product.warranty_ends_on - timedelta(days=notice_days),
                   Occasion.WARRANTY_EXPIRY, product.customer, key=f"p{product.pk}",
                   product=product, values={"date": product.warranty_ends_on.isoformat()})


def check_in_items(start: date, end: date, *, after_days: int, customer_id: int | None = None):
    products = (InstalledProduct.objects.filter(
        installed_on__range=(start - timedelta(days=after_days), end - timedelta(days=after_days)))
        .select_related("customer", "model"))
    products = _one(products, "customer_id", customer_id)
    for product in products:
        yield Item(product.installed_on + timedelta(days=after_days), Occasion.CHECK_IN,
                   product.customer, key=f"p{product.pk}", product=product,
                   values={"date": product.installed_on.isoformat()})


def contract_items(start: date, end: date):
    """Contracts that end in the range (shown only: the contracts area sends the notice)."""
    contracts = MaintenanceContract.objects.filter(ends_on__range=(start, end)).select_related(
        "customer")
    for contract in contracts:
        yield Item(contract.ends_on, Occasion.CONTRACT_EXPIRY, contract.customer,
                   key=f"c{contract.pk}", contract=contract,
                   values={"date": contract.ends_on.isoformat()})
