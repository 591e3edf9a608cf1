"""Key accounts (RP-6, FB-6), visit plans and visits (CR-2)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import add_months, local_today
from aftersales.core.events import event_append
from aftersales.core.workflow import version_bump
from aftersales.customers.models import Customer, InstalledProduct

from ..choices import LEVEL_MONTHS, VisitKind
from ..models import CARE_EDITORS, CareSettings, CareVisit, KeyAccount, VisitPlan
from .common import _is_desk, _require, _staff_user

# --- key accounts (RP-6, FB-6) ------------------------------------------------------------------


def key_account_mark(*, actor, customer: Customer, manager, since: date | None = None,
                     note: str = "") -> KeyAccount:
    """Make ``customer`` a key account with ``manager`` as account manager (again, if it was
    one before)."""
    _require(actor.is_superuser or actor.role in CARE_EDITORS)
    _staff_user(manager, "manager")
    since = since or local_today()
    with transaction.atomic():
        account = KeyAccount.objects.select_for_update().filter(customer=customer).first()
        if account is not None and account.active:
            raise ValidationError({"customer": [_("This customer is already a key account.")]})
        if account is None:
            try:
                with transaction.atomic():
                    account = KeyAccount.objects.create(customer=customer, manager=manager,
                                                        since=since, note=note)
            except IntegrityError:
                raise ValidationError(
                    {"customer": [_("This customer is already a key account.")]}) from None
            change_log(actor=actor, instance=account, action="create")
        else:
            before = snapshot(account)
            account.manager, account.since, account.note, account.active = manager, since, note, True
            version_bump(instance=account, expected_version=None,
                         fields=["manager", "since", "note", "active"])
            change_log(actor=actor, instance=account, action="update", before=before)
        event_append(subject=account, action="key_account_mark", actor=actor,
                     data={"manager": manager.pk})
        visits_after_installation_ensure(customer=customer)
    return account


def key_account_update(*, actor, key_account: KeyAccount, expected_version: int | None = None,
                       **data) -> KeyAccount:
    """Change the account manager, the note, or end the key account (``active=False``)."""
    _require(actor.is_superuser or actor.role in CARE_EDITORS)
    fields = [f for f in ("manager", "note", "active") if f in data]
    if "manager" in data:
        _staff_user(data["manager"], "manager")
    with transaction.atomic():
        before = snapshot(key_account)
        for name in fields:
            setattr(key_account, name, data[name])
        if fields:
            version_bump(instance=key_account, expected_version=expected_version, fields=fields)
            change_log(actor=actor, instance=key_account, action="update", before=before)
            event_append(subject=key_account, action="key_account_update", actor=actor,
                         data={f: getattr(data[f], "pk", data[f]) for f in fields})
    return key_account


def visits_after_installation_ensure(*, customer: Customer | None = None,
                                     today: date | None = None) -> int:
    """FB-6: each key account's product installed in the last ``visit_after_install_days``
    gets one visit due within that time after installation — exactly once (a partial unique
    constraint), whether a handler, the daily scan or both find it. Returns how many were made."""
    policy = CareSettings.load()
    today = today or local_today()
    window = policy.visit_after_install_days
    products = (InstalledProduct.objects
                .filter(customer__key_account__active=True, installed_on__isnull=False,
                        installed_on__gte=today - timedelta(days=window))
                .exclude(care_visits__kind=VisitKind.AFTER_INSTALLATION)
                .select_related("customer__key_account"))
    if customer is not None:
        products = products.filter(customer=customer)
    made = 0
    for product in products:
        try:
            with transaction.atomic():
                visit = CareVisit.objects.create(
                    customer=product.customer, kind=VisitKind.AFTER_INSTALLATION, product=product,
                    visitor=product.customer.key_account.manager,
                    due_on=product.installed_on + timedelta(days=window))
                event_append(subject=visit, action="visit_due", data={"product": product.pk})
            made += 1
        except IntegrityError:
            continue  # another scheduler made it first
    return made


# --- visit plans and visits (CR-2) --------------------------------------------------------------


def visit_plan_create(*, actor, customer: Customer, visitor, level: str,
                      starts_on: date | None = None) -> VisitPlan:
    _require(_is_desk(actor))
    _staff_user(visitor, "visitor")
    if level not in LEVEL_MONTHS:
        raise ValidationError({"level": [_("Choose senior staff or staff.")]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                plan = VisitPlan.objects.create(customer=customer, visitor=visitor, level=level,
                                                starts_on=starts_on or local_today())
        except IntegrityError:
            raise ValidationError(
                {"visitor": [_("This person already has a visit plan for this customer.")]}
            ) from None
        change_log(actor=actor, instance=plan, action="create")
        event_append(subject=plan, action="visit_plan_create", actor=actor)
    return plan


def plan_next_due(plan: VisitPlan, last_visit: date | None) -> date:
    """The next visit of a plan: its interval after the last visit, else its first due day."""
    if last_visit is None:
        return plan.starts_on
    return add_months(last_visit, LEVEL_MONTHS[plan.level])


def visit_record(*, actor, customer: Customer, visited_on: date, note: str = "",
                 visit: CareVisit | None = None, plan: VisitPlan | None = None,
                 kind: str = VisitKind.OTHER) -> CareVisit:
    """Record a visit: closes a due item (``visit``) or adds one (to ``plan``, if given)."""
    errors = {}
    if visited_on is None:
        errors["visited_on"] = [_("Enter the day of the visit.")]
    elif visited_on > local_today():
        errors["visited_on"] = [_("A visit cannot be recorded for a future day.")]
    if plan is not None and plan.customer_id != customer.pk:
        errors["plan"] = [_("This visit plan belongs to another customer.")]
    if visit is not None and visit.customer_id != customer.pk:
        errors["visit"] = [_("This visit belongs to another customer.")]
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose a kind of visit.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if visit is not None:
            visit = CareVisit.objects.select_for_update().get(pk=visit.pk)
            _require(_is_desk(actor) or visit.visitor_id == actor.pk)
            if visit.visited_on is not None:
                raise ValidationError({"visit": [_("This visit is already recorded.")]})
            before = snapshot(visit)
            visit.visited_on, visit.note = visited_on, note
            if visit.visitor_id is None:
                visit.visitor = actor
            version_bump(instance=visit, expected_version=None,
                         fields=["visited_on", "note", "visitor"])
            change_log(actor=actor, instance=visit, action="update", before=before)
        else:
            _require(_is_desk(actor) or (plan is not None and plan.visitor_id == actor.pk)
                     or KeyAccount.objects.filter(customer=customer, manager=actor).exists())
            visit = CareVisit.objects.create(
                customer=customer, kind=VisitKind.PLANNED if plan is not None else kind,
                plan=plan, visitor=actor, visited_on=visited_on, note=note)
            change_log(actor=actor, instance=visit, action="create")
        event_append(subject=visit, action="visit_record", actor=actor, note=note,
                     data={"visited_on": visited_on.isoformat()})
    return visit
