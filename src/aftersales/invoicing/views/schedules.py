"""Payment schedules on the invoice's page: the schedule, its history, the form that makes or
replaces it (the accountant's list of instalments due is with the receivables, reports.py)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from aftersales.core.forms import error_text

from ..forms import SplitForm
from ..permissions import may_issue
from ..schedules import instalments_split
from ..selectors import invoice_plan
from ..services import invoice_amount_due


def _first_due_default(invoice):
    """The quick split's first due date: the invoice's day, or the start of its period if that
    is later (a contract paid from its first day)."""
    issued_on = timezone.localtime(invoice.issued_at).date()
    return max(issued_on, invoice.period_start or issued_on)


def _proposal(split, amount_due) -> tuple[list[tuple[str, str]], str]:
    """The rows of the quick split asked for on the page (GET), or none; and what is wrong."""
    if not split.is_bound or not split.is_valid():
        return [], ""
    try:
        rows = instalments_split(amount=amount_due, count=split.cleaned_data["count"],
                                 first_due_on=split.cleaned_data["first"],
                                 every_months=split.cleaned_data["every"])
    except ValidationError as error:
        return [], error_text(error)
    return [(day.isoformat(), str(amount)) for day, amount in rows], ""


def schedule_context(request, balance, schedule_form=None) -> dict:
    """The invoice page's schedule card: the current schedule with each instalment's state,
    the versions before it, and — for whoever issues invoices — the quick split and the rows
    to save: as typed if ``schedule_form`` was refused, else the split asked for, else the
    current schedule's."""
    invoice = balance.invoice
    plan = invoice_plan(balance)
    context = {
        "plan": plan,
        "schedule_history": list(invoice.schedules.filter(superseded_at__isnull=False)
                                 .select_related("made_by").prefetch_related("instalments")
                                 .order_by("-revision")),
    }
    if not may_issue(request.user):
        return context
    amount_due = invoice_amount_due(invoice)
    split = SplitForm(request.GET if "split-count" in request.GET else None, prefix="split",
                      initial={"first": _first_due_default(invoice)})
    rows, split_error = _proposal(split, amount_due)
    if schedule_form is not None:
        rows = schedule_form.rows()
    elif not rows and plan is not None:
        rows = [(s.instalment.due_on.isoformat(), str(s.instalment.amount))
                for s in plan.instalments]
    return {**context, "amount_due": amount_due, "split_form": split, "split_error": split_error,
            "schedule_rows": rows, "schedule_form": schedule_form,
            "replaces": plan.schedule.revision if plan else 0}
