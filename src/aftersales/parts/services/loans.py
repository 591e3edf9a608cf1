"""Every write of loans (PT-3; docs/parts.md, "Loans").

A loan takes the part out of the place with a ``loan_out`` move and a return puts it back with a
``loan_back`` move, in the loan's transaction. Gifts, office supplies, brochures, parts already
charged and special approvals are not loans (PT-3): they are never lent through here. A loan not
brought back ``LOAN_KEPT_AFTER_DAYS`` days after its due date counts as kept and is charged to the
borrower (``loans_sweep``): the part's price-list price times the quantity. Its stock left with
the loan_out move already; nothing moves.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.dates import local_today
from aftersales.core.exceptions import IllegalTransition
from aftersales.core.models import Notification
from aftersales.core.numbering import number_assign, placeholder
from aftersales.core.workflow import transition_apply

from ..choices import MoveKind
from ..models import Loan, LoanStatus
from ..workflow_returns import loan_workflow
from .stock import quantity_clean, stock_move

DOC_TYPE = "loan"
PREFIX = "LN"


def loan_create(*, actor, warehouse, part, quantity, due_on: date | None, customer=None,
                dealer=None, note: str = "") -> Loan:
    """Lend a part or a spare unit from ``warehouse`` to a customer or a dealer until ``due_on``."""
    errors = {}
    if (customer is None) == (dealer is None):
        errors["borrower"] = [_("Lend to one customer or one dealer.")]
    if due_on is None:
        errors["due_on"] = [_("Enter the date it is due back.")]
    elif due_on < local_today():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    try:
        amount = quantity_clean(part, quantity)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        loan = Loan.objects.create(
            number=placeholder(), warehouse=warehouse, part=part, quantity=amount,
            customer=customer, dealer=dealer, due_on=due_on, note=(note or "").strip()[:300],
            lent_by=actor)
        number_assign(loan, doc_type=DOC_TYPE, prefix=PREFIX)
        stock_move(actor=actor, warehouse=warehouse, part=part, kind=MoveKind.LOAN_OUT,
                   quantity=amount, reference=loan.number, note=loan.note)
    return loan


def loan_return(*, actor, loan: Loan) -> Loan:
    """The borrower brought it back: it goes back into the place it was lent from."""
    with transaction.atomic():
        loan = transition_apply(workflow=loan_workflow, instance=loan, name="return",
                                actor=actor, changes={"returned_at": timezone.now()})
        stock_move(actor=actor, warehouse=loan.warehouse, part=loan.part,
                   kind=MoveKind.LOAN_BACK, quantity=loan.quantity, reference=loan.number)
    return loan


def loans_remind(*, today: date | None = None) -> int:
    """The day before a loan is due, whoever lent it is reminded — once (the reminder is
    claimed with a conditional update, so two runs at once remind once). Returns how many."""
    today = today or local_today()
    sent = 0
    due = Loan.objects.filter(status=LoanStatus.OUT, reminded_at__isnull=True,
                              due_on=today + timedelta(days=1))
    for loan in due.select_related("part", "customer", "dealer"):
        with transaction.atomic():
            claimed = Loan.objects.filter(pk=loan.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now())
            if not claimed:
                continue
            Notification.objects.create(
                user_id=loan.lent_by_id, link=f"/parts/loans/?status={LoanStatus.OUT}",
                text=_("Loan %(number)s (%(part)s to %(borrower)s) is due back tomorrow.")
                % {"number": loan.number, "part": loan.part.code, "borrower": loan.borrower})
        sent += 1
    return sent


def loans_sweep(*, today: date | None = None) -> int:
    """Loans still out ``LOAN_KEPT_AFTER_DAYS`` days after their due date count as kept and are
    charged (the part's price-list price × the quantity); whoever lent them is told. Returns how
    many this run turned; two runs at once turn each loan once (``transition_apply`` locks the
    row and checks it is still out)."""
    today = today or local_today()
    last_due = today - timedelta(days=settings.LOAN_KEPT_AFTER_DAYS + 1)
    turned = 0
    ids = list(Loan.objects.filter(status=LoanStatus.OUT, due_on__lte=last_due)
               .values_list("pk", flat=True))
    for pk in ids:
        loan = Loan.objects.select_related("part", "customer", "dealer").get(pk=pk)
        charge = (Decimal(loan.part.unit_price) * loan.quantity).quantize(Decimal("0.01"))
        try:
            with transaction.atomic():
                transition_apply(workflow=loan_workflow, instance=loan, name="keep", actor=None,
                                 changes={"kept_at": timezone.now(), "charge_amount": charge})
                Notification.objects.create(
                    user_id=loan.lent_by_id, level="warning",
                    link=f"/parts/loans/?status={LoanStatus.KEPT}",
                    text=_("Loan %(number)s was not brought back: it counts as kept and "
                           "%(amount)s is charged to %(borrower)s.")
                    % {"number": loan.number, "amount": charge, "borrower": loan.borrower})
        except IllegalTransition:
            continue  # another sweep got there first
        turned += 1
    return turned
