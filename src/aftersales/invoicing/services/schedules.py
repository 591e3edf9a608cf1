"""Payment schedules (分期付款计划): an invoice's amount due in instalments, made or replaced by
whoever issues invoices; and the worker tick's word to the accountants when one is overdue.

A schedule is never edited: a new version supersedes the current one, in one transaction under
the invoice's row lock, and a partial unique constraint keeps one current schedule per invoice.
Which instalments are paid is computed when they are read (selectors.payment_plans), so
replacing a schedule never changes what was paid.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.changelog import change_log, snapshot
from aftersales.core.dates import local_today
from aftersales.core.events import event_append
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.models import Notification

from ..choices import MAX_INSTALMENTS
from ..models import Instalment, InstalmentOverdueCheck, Invoice, PaymentSchedule
from ..money import money
from ..permissions import may_issue
from ..schedules import instalments_split
from ..selectors import invoice_balances, payment_plans
from .credits import invoice_credited
from .invoices import customer_invoice_required


def invoice_amount_due(invoice) -> Decimal:
    """What a schedule of ``invoice`` adds up to: its total less its credit notes."""
    return invoice.total - invoice_credited(invoice)


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _instalments_clean(instalments, issued_on: date) -> tuple[list[tuple[date, Decimal]], list]:
    """(due date, amount) pairs — dates or "YYYY-MM-DD", amounts as money or text — as dates
    and money, with every fault found, each naming its instalment: amounts above zero, due
    dates ascending and not before the invoice."""
    rows, errors = [], []
    if not instalments:
        errors.append(_("Enter at least one instalment."))
    elif len(instalments) > MAX_INSTALMENTS:
        errors.append(_("A schedule has at most %(max)s instalments; this one has %(count)s.")
                      % {"max": MAX_INSTALMENTS, "count": len(instalments)})
    for n, (due_on, amount) in enumerate(instalments or [], start=1):
        try:
            value = money(amount)
        except ValidationError:
            errors.append(_("Instalment %(n)s: enter an amount such as 3000.00.") % {"n": n})
            continue
        if value <= 0:
            errors.append(_("Instalment %(n)s: the amount must be above zero.") % {"n": n})
        due_on = _day(due_on)
        if due_on is None:
            errors.append(_("Instalment %(n)s: enter its due date as 2027-03-31.") % {"n": n})
            continue
        if due_on < issued_on:
            errors.append(_("Instalment %(n)s is due on %(day)s, before the invoice was issued "
                            "(%(issued)s).") % {"n": n, "day": due_on, "issued": issued_on})
        if rows and due_on <= rows[-1][0]:
            errors.append(_("Instalment %(n)s is due on %(day)s, not after instalment %(prev)s "
                            "(%(prev_day)s): due dates must ascend.")
                          % {"n": n, "day": due_on, "prev": n - 1, "prev_day": rows[-1][0]})
        rows.append((due_on, value))
    return rows, errors


def payment_schedule_set(*, actor, invoice, instalments, reason: str = "",
                         replaces: int | None = None) -> PaymentSchedule:
    """Give ``invoice`` a payment schedule of ``instalments`` ((due date, amount) pairs), or
    replace its current one — kept, marked superseded, with an event saying who, when and why
    (``reason``, required then). The amounts must add up exactly to what is due on the invoice
    (:func:`invoice_amount_due`). ``replaces``: the version of the schedule the caller saw (0:
    none); if another was made meanwhile, ConflictError and nothing is saved. ValidationError
    naming every fault; PermissionDenied unless the actor issues invoices."""
    if not may_issue(actor):
        raise PermissionDenied(_("Only accountants, service managers and administrators make "
                                 "payment schedules."))
    customer_invoice_required(invoice)
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        current = PaymentSchedule.objects.current().filter(invoice=invoice).first()
        if replaces is not None and replaces != (current.revision if current else 0):
            raise ConflictError(_("The payment schedule was changed meanwhile (it is now "
                                  "version %(revision)s): reload the invoice and try again.")
                                % {"revision": current.revision if current else 0})
        rows, faults = _instalments_clean(instalments,
                                          timezone.localtime(invoice.issued_at).date())
        errors = {"instalments": faults} if faults else {}
        due = invoice_amount_due(invoice)
        total = sum((amount for _day, amount in rows), Decimal("0.00"))
        if due <= 0:
            errors["instalments"] = [_("Nothing is due on invoice %(number)s: there is nothing "
                                       "to schedule.") % {"number": invoice.number}]
        elif not faults and total != due:
            errors["instalments"] = [_("The instalments add up to ¥%(total)s, not to the "
                                       "¥%(due)s due on invoice %(number)s.")
                                     % {"total": total, "due": due, "number": invoice.number}]
        if current is not None and not reason:
            errors["reason"] = [_("Say why the schedule is replaced.")]
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        if current is not None:
            before = snapshot(current)
            PaymentSchedule.objects.filter(pk=current.pk).update(superseded_at=now)
            current.superseded_at = now
            change_log(actor=actor, instance=current, action="update", before=before)
        last = PaymentSchedule.objects.filter(invoice=invoice).order_by("-revision").first()
        schedule = PaymentSchedule.objects.create(
            invoice=invoice, revision=(last.revision if last else 0) + 1, amount_due=due,
            reason=reason, made_at=now, made_by=actor)
        Instalment.objects.bulk_create([
            Instalment(schedule=schedule, position=n, due_on=day, amount=amount)
            for n, (day, amount) in enumerate(rows, start=1)])
        change_log(actor=actor, instance=schedule, action="create")
        event_append(
            subject=invoice, action="schedule_replace" if current else "schedule", actor=actor,
            at=now, note=reason,
            data={"revision": schedule.revision,
                  "replaces": current.revision if current else None,
                  "instalments": [[day.isoformat(), str(amount)] for day, amount in rows]})
    return schedule


def payment_schedule_split(*, actor, invoice, count: int, first_due_on: date,
                           every_months: int, reason: str = "",
                           replaces: int | None = None) -> PaymentSchedule:
    """The quick way: what is due on ``invoice`` in ``count`` equal instalments every
    ``every_months`` months from ``first_due_on`` (schedules.instalments_split)."""
    rows = instalments_split(amount=invoice_amount_due(invoice), count=count,
                             first_due_on=first_due_on, every_months=every_months)
    return payment_schedule_set(actor=actor, invoice=invoice, instalments=rows, reason=reason,
                                replaces=replaces)


CHECK_BATCH = 200


def instalments_overdue_notify(*, today: date | None = None) -> int:
    """The worker tick's sweep: each instalment of a current schedule is looked at once after
    its due date (a row per instalment; two workers at once look once); if it is not paid in
    full by then, every active accountant is told, and the invoice's history says so. Returns
    how many instalments were found overdue."""
    today = today or local_today()
    waiting = (Instalment.objects.filter(schedule__superseded_at__isnull=True, due_on__lt=today,
                                         overdue_check__isnull=True)
               .order_by().values_list("schedule__invoice", flat=True).distinct()[:CHECK_BATCH])
    invoice_ids = list(waiting)
    if not invoice_ids:
        return 0
    balances = invoice_balances(Invoice.objects.filter(pk__in=invoice_ids), as_of=today)
    accountants = list(User.objects.filter(role=Role.ACCOUNTANT, is_active=True))
    checked = set(InstalmentOverdueCheck.objects.filter(
        instalment__schedule__invoice__in=invoice_ids).values_list("instalment", flat=True))
    found = 0
    for plan in payment_plans(balances).values():
        for status in plan.instalments:
            instalment = status.instalment
            if instalment.due_on >= today or instalment.pk in checked:
                continue
            found += _overdue_check(status, plan, accountants)
    return found


def _overdue_check(status, plan, accountants) -> int:
    instalment, invoice = status.instalment, plan.schedule.invoice
    try:
        with transaction.atomic():
            InstalmentOverdueCheck.objects.create(instalment=instalment,
                                                  checked_at=timezone.now(),
                                                  notified=status.overdue)
            if not status.overdue:
                return 0
            text = (_("Instalment %(n)s/%(count)s of invoice %(number)s (%(customer)s) was due "
                      "on %(day)s: ¥%(open)s is not paid.")
                    % {"n": instalment.position, "count": plan.count, "number": invoice.number,
                       "customer": invoice.customer.name, "day": instalment.due_on,
                       "open": status.open})
            Notification.objects.bulk_create([
                Notification(user=user, text=text[:300], level="warning",
                             link=reverse("invoicing:invoice", args=[invoice.pk]) + "#schedule")
                for user in accountants])
            event_append(subject=invoice, action="instalment_overdue", note=text,
                         data={"revision": plan.schedule.revision,
                               "instalment": instalment.position, "open": str(status.open)})
    except IntegrityError:
        return 0  # another worker looked at it first
    return 1
