"""Reads of customer care that carry policy (house style rule 2): the calendar, due visits,
churn signals, the key account's archive, managers' KPIs, the 80/20 value analysis, influence
centres and user seminars."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.billing.choices import SheetState
from aftersales.billing.models import ChargeSheet
from aftersales.core.dates import add_months, local_today
from aftersales.customers.choices import RenewalOutcome
from aftersales.customers.models import ContractRenewal, Customer
from aftersales.feedback.models import FollowUpCall, Survey
from aftersales.invoicing.models import Invoice
from aftersales.invoicing.selectors import receivables
from aftersales.service.models import ServiceRequest

from . import occasions
from .choices import GuestStatus, Occasion, ReferralStatus, SeminarState
from .models import (
    CareMessage,
    CareSettings,
    CareVisit,
    CentreContact,
    InfluenceCentre,
    KeyAccount,
    Seminar,
    SeminarGuest,
    VisitPlan,
)
from .services import plan_next_due

CALENDAR_LIMIT = 300  # rows per page of the calendar; the rest are counted


def care_calendar(*, start: date, end: date, policy: CareSettings | None = None) -> list:
    """Every care occasion between ``start`` and ``end``, by day, with whether its message went
    out (``item.sent``). Contract expiry is shown only (the contracts area sends its notice)."""
    policy = policy or CareSettings.load()
    items = [
        *occasions.birthdays(start, end),
        *occasions.holiday_items(start, end, language=policy.language,
                                 to_all=policy.holidays_to_all),
        *occasions.warranty_items(start, end, notice_days=policy.warranty_notice_days),
        *occasions.check_in_items(start, end, after_days=policy.check_in_days),
        *occasions.contract_items(start, end),
    ]
    sent = set(CareMessage.objects.filter(customer__in={i.customer.pk for i in items})
               .values_list("customer_id", "occasion", "key"))
    for item in items:
        item.sent = (item.customer.pk, item.occasion, item.key) in sent
        item.sends = item.occasion != Occasion.CONTRACT_EXPIRY
    items.sort(key=lambda i: (i.day, i.occasion, i.customer.name))
    return items


def holidays_between(start: date, end: date, language: str = "zh-hans") -> dict[date, str]:
    return occasions.holiday_greeting_days(start, end, language)


@dataclass
class DueVisit:
    customer: Customer
    due_on: date
    kind: str
    visitor: object
    visit: CareVisit | None = None   # an FB-6 due item
    plan: VisitPlan | None = None    # a CR-2 plan

    @property
    def overdue(self) -> bool:
        return self.due_on < local_today()


def visits_due(*, user, until: date | None = None) -> list[DueVisit]:
    """Visits due by ``until``: open FB-6 items and visit plans whose next visit is due."""
    until = until or local_today() + timedelta(days=7)
    rows = [DueVisit(v.customer, v.due_on, v.kind, v.visitor, visit=v)
            for v in CareVisit.objects.restrict(user, "view")
            .filter(visited_on__isnull=True, due_on__lte=until)
            .select_related("customer", "visitor", "product__model")]
    plans = (VisitPlan.objects.restrict(user, "view").filter(active=True)
             .annotate(last=Max("visits__visited_on")).select_related("customer", "visitor"))
    for plan in plans:
        due = plan_next_due(plan, plan.last)
        if due <= until:
            rows.append(DueVisit(plan.customer, due, "planned", plan.visitor, plan=plan))
    rows.sort(key=lambda r: (r.due_on, r.customer.name))
    return rows


def last_contacts(customers=None):
    """Customers annotated with their last request, care message, visit and follow-up call."""
    queryset = customers if customers is not None else Customer.objects.all()
    return queryset.annotate(
        last_request=Max("requests__reported_at"),
        last_message=Max("care_messages__sent_at"),
        last_visit=Max("care_visits__visited_on"),
    )


def churn_list(*, months: int | None = None, today: date | None = None, key_accounts_only=False):
    """Churn signals: customers with a product and neither a request, nor a care message, nor
    a recorded visit, nor a follow-up call in ``months`` months (CareSettings.churn_months)."""
    months = months or CareSettings.load().churn_months
    today = today or local_today()
    since = add_months(today, -months)
    customers = Customer.objects.filter(products__isnull=False).distinct()
    if key_accounts_only:
        customers = customers.filter(key_account__active=True)
    recent_call = FollowUpCall.objects.filter(called_at__date__gte=since).values(
        "request__customer_id")
    return (customers
            .exclude(requests__reported_at__date__gte=since)
            .exclude(care_messages__sent_at__date__gte=since)
            .exclude(care_visits__visited_on__gte=since)
            .exclude(pk__in=recent_call)
            .annotate(last_request=Max("requests__reported_at"))
            .order_by(F("last_request").asc(nulls_first=True), "name"))


def lost_contract_list(*, months: int | None = None, today: date | None = None):
    """Churn signals: contract renewals recorded as lost (the contracts area's outcome) in the
    churn period, for customers with no contract running today."""
    months = months or CareSettings.load().churn_months
    today = today or local_today()
    since = add_months(today, -months)
    return (ContractRenewal.objects
            .filter(outcome=RenewalOutcome.LOST, decided_at__date__gte=since)
            .exclude(contract__customer__contracts__starts_on__lte=today,
                     contract__customer__contracts__ends_on__gte=today)
            .select_related("contract__customer", "decided_by")
            .order_by("-decided_at", "-id"))


def key_account_archive(account: KeyAccount, *, user) -> dict:
    """RP-6/AR: what a key account's page shows: contracts, equipment, contacts and history."""
    customer = account.customer
    return {
        "account": account,
        "customer": customer,
        "products": list(customer.products.select_related("model").order_by("-installed_on",
                                                                             "-id")),
        "contracts": list(customer.contracts.order_by("-ends_on")),
        "requests": list(ServiceRequest.objects.restrict(user, "view").filter(customer=customer)
                         .select_related("installed_product__model")
                         .order_by("-reported_at")[:20]),
        "visits": list(customer.care_visits.select_related("visitor", "product__model")
                       .order_by(F("visited_on").desc(nulls_first=True), "-id")[:20]),
        "care_messages": list(customer.care_messages.all()[:20]),
        "plans": list(customer.visit_plans.select_related("visitor")),
        "surveys": list(Survey.objects.restrict(user, "view").filter(customer=customer)
                        .answered().select_related("request").order_by("-answered_at")[:10]),
        "referrals": list(customer.referrals_made.select_related("referred")),
    }


REVENUE_NOTE = _("Revenue: what the key accounts' issued charge sheets charge, the last twelve "
                 "months against the twelve before; no revenue before: no growth figure.")
ARREARS_NOTE = _("Arrears: invoiced and not yet paid or credited, today.")


def _revenue(customers, since: date, until: date) -> Decimal:
    total = (ChargeSheet.objects.filter(customer_id__in=customers, state=SheetState.ISSUED,
                                        issued_at__date__gte=since, issued_at__date__lt=until)
             .aggregate(s=Sum("total"))["s"])
    return total or Decimal("0.00")


def _arrears(customers) -> Decimal:
    rows = receivables(Invoice.objects.filter(customer_id__in=customers))
    return sum((max(row.outstanding, Decimal("0.00")) for row in rows), Decimal("0.00"))


@dataclass
class ManagerKpi:
    manager: object
    accounts: int
    revenue: Decimal
    revenue_before: Decimal
    satisfaction: float | None
    surveys: int
    arrears: Decimal
    churn: int
    visits_overdue: int

    @property
    def revenue_growth(self) -> float | None:
        if not self.revenue_before:
            return None if self.revenue else 0.0
        return round(float((self.revenue - self.revenue_before) / self.revenue_before * 100), 1)


def manager_kpis(*, user, today: date | None = None) -> list[ManagerKpi]:
    """RP-6 per account manager: revenue of his key accounts over the last twelve months and
    its growth against the twelve before (issued charge sheets), satisfaction (mean survey score
    of his accounts in the last twelve months, 0–100), arrears (invoicing's receivables), churn
    signals, overdue FB-6 visits."""
    today = today or local_today()
    year_ago = add_months(today, -12)
    two_years_ago = add_months(today, -24)
    tomorrow = today + timedelta(days=1)
    accounts = KeyAccount.objects.restrict(user, "view").filter(active=True)
    churned = set(churn_list(key_accounts_only=True, today=today).values_list("pk", flat=True))
    churned |= set(lost_contract_list(today=today).values_list("contract__customer_id",
                                                                flat=True))
    by_manager: dict = {}
    for account in accounts.select_related("manager"):
        by_manager.setdefault(account.manager, []).append(account.customer_id)
    rows = []
    for manager, customers in sorted(by_manager.items(), key=lambda kv: str(kv[0])):
        surveys = Survey.objects.answered().filter(customer_id__in=customers,
                                                   answered_at__date__gte=year_ago)
        scores = [s.score for s in surveys.only("attitude", "skill", "punctuality", "promise")]
        scores = [s for s in scores if s is not None]
        rows.append(ManagerKpi(
            manager=manager, accounts=len(customers),
            revenue=_revenue(customers, year_ago, tomorrow),
            revenue_before=_revenue(customers, two_years_ago, year_ago),
            satisfaction=round(sum(scores) / len(scores), 1) if scores else None,
            surveys=len(scores), arrears=_arrears(customers),
            churn=len(churned.intersection(customers)),
            visits_overdue=CareVisit.objects.filter(customer_id__in=customers,
                                                    visited_on__isnull=True,
                                                    due_on__lt=today).count()))
    return rows


@dataclass
class ValueRow:
    rank: int
    customer: Customer
    value: int | Decimal
    share: float          # this customer's share of the total, %
    cumulative: float     # cumulative share up to this customer, %
    top: bool             # among the few that bring the first 80 %


def value_analysis(*, top_share: int = 80, limit: int | None = None) -> dict:
    """CR-4: customers ranked by value — what their issued charge sheets charged, once billing
    holds any; before that, service requests + installed products (the page names the measure).
    Cumulative share for the chart."""
    by_revenue = ChargeSheet.objects.filter(state=SheetState.ISSUED, total__gt=0).exists()
    if by_revenue:
        customers = (Customer.objects
                     .annotate(value=Sum("charge_sheets__total",
                                         filter=Q(charge_sheets__state=SheetState.ISSUED)))
                     .filter(value__gt=0).order_by("-value", "name"))
    else:
        customers = (Customer.objects
                     .annotate(n_requests=Count("requests", distinct=True),
                               n_products=Count("products", distinct=True))
                     .annotate(value=F("n_requests") + F("n_products"))
                     .filter(value__gt=0).order_by("-value", "name"))
    rows_all = list(customers.values_list("pk", "value"))
    total = sum(v for _pk, v in rows_all) or 1
    ranks, running, top_count = [], 0, 0
    for index, (pk, value) in enumerate(rows_all, start=1):
        before = running
        running += value
        ranks.append((index, pk, value, running))
        if before * 100 < top_share * total:
            top_count = index
    shown = ranks[:limit] if limit else ranks
    names = Customer.objects.in_bulk([pk for _i, pk, _v, _r in shown])
    rows = [ValueRow(i, names[pk], v, round(float(v * 100 / total), 1),
                     round(float(r * 100 / total), 1),
                     i <= top_count) for i, pk, v, r in shown]
    count = len(rows_all)
    return {"rows": rows, "customers": count, "total": total, "top_count": top_count,
            "top_percent": round(top_count * 100 / count, 1) if count else 0,
            "top_share": top_share, "by_revenue": by_revenue,
            "curve": _curve(ranks, total, count)}


def _curve(ranks, total, count, points: int = 50) -> list[tuple[float, float]]:
    """(customers %, value %) points of the cumulative share (Lorenz-like) chart."""
    if not count:
        return []
    step = max(1, count // points)
    curve = [(0.0, 0.0)]
    for index, _pk, _value, running in ranks[step - 1::step]:
        curve.append((round(index * 100 / count, 1), round(float(running * 100 / total), 1)))
    if curve[-1][0] < 100:
        curve.append((100.0, 100.0))
    return curve


def key_account_list(*, user, q: str = "", manager: str = ""):
    accounts = (KeyAccount.objects.restrict(user, "view")
                .select_related("customer", "manager")
                .annotate(products=Count("customer__products", distinct=True),
                          open_visits=Count("customer__care_visits", distinct=True,
                                            filter=Q(customer__care_visits__visited_on__isnull=True)),
                          ))
    if q:
        accounts = accounts.filter(Q(customer__name__icontains=q) | Q(customer__phone__contains=q))
    if manager:
        accounts = accounts.filter(manager_id=manager) if manager.isdigit() else accounts.none()
    return accounts.order_by("-active", "customer__name", "id")




# --- influence centres and user seminars (CR-3) -------------------------------------------------


def influence_centre_list(*, user, q: str = "", kind: str = "", active: str = "1",
                          due: bool = False, today: date | None = None):
    """Influence centres with what they brought — referrals, how many became customers — and
    when they were last contacted, those that bring most first; ``due``: only those not
    contacted for the care settings' days."""
    won = Q(referrals__status=ReferralStatus.WON)
    last = (CentreContact.objects.filter(centre=OuterRef("pk")).order_by("-contacted_on")
            .values("contacted_on")[:1])
    centres = (InfluenceCentre.objects.restrict(user, "view")
               .select_related("keeper", "customer")
               .annotate(referred=Count("referrals"), won=Count("referrals", filter=won),
                         open=Count("referrals", filter=Q(referrals__status=ReferralStatus.OPEN)),
                         last_contact=Subquery(last)))
    if due:
        since = (today or local_today()) - timedelta(days=CareSettings.load().centre_contact_days)
        centres = centres.filter(Q(last_contact__isnull=True) | Q(last_contact__lt=since))
    if q:
        centres = centres.filter(Q(name__icontains=q) | Q(contact_name__icontains=q)
                                 | Q(phone__contains=q) | Q(address__icontains=q))
    if kind:
        centres = centres.filter(kind=kind)
    if active in ("0", "1"):
        centres = centres.filter(active=active == "1")
    return centres.order_by("-won", "-referred", "name", "id")


def seminar_list(*, user, state: str = "", q: str = ""):
    """User seminars with their guests counted by answer (the next first among the planned,
    the latest first among the others)."""
    guests = "guests__status"
    seminars = (Seminar.objects.restrict(user, "view")
                .select_related("host", "service_centre")
                .annotate(invited=Count("guests", distinct=True),
                          confirmed=Count("guests", distinct=True,
                                          filter=Q(**{guests: GuestStatus.CONFIRMED})),
                          attended=Count("guests", distinct=True,
                                         filter=Q(**{guests: GuestStatus.ATTENDED})),
                          referred=Count("referrals", distinct=True)))
    if state in SeminarState.values:
        seminars = seminars.filter(state=state)
    if q:
        seminars = seminars.filter(Q(title__icontains=q) | Q(place__icontains=q))
    if state == SeminarState.PLANNED:
        return seminars.order_by("starts_at", "id")
    return seminars.order_by("-starts_at", "-id")


def seminar_guests(seminar):
    """A seminar's guests, those coming first, then by name."""
    order = {GuestStatus.ATTENDED: 0, GuestStatus.CONFIRMED: 1, GuestStatus.INVITED: 2,
             GuestStatus.ABSENT: 3, GuestStatus.DECLINED: 4}
    guests = list(seminar.guests.select_related("customer", "invited_by"))
    return sorted(guests, key=lambda g: (order.get(g.status, 9), g.customer.name, g.pk))


def invitations_open(customer) -> list:
    """The seminars a customer is invited to that are still ahead, the next first, with his
    answer (the portal's home page)."""
    return list(SeminarGuest.objects.filter(
        customer=customer, seminar__state=SeminarState.PLANNED,
        seminar__starts_at__gt=timezone.now(),
        status__in=(GuestStatus.INVITED, GuestStatus.CONFIRMED, GuestStatus.DECLINED))
        .select_related("seminar").order_by("seminar__starts_at", "id"))
