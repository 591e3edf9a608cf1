"""Reads of return obligations and loans (PT-3): the lists and their filters."""

from datetime import date

from django.db.models import Count, Sum

from aftersales.core.dates import local_today

from .models import Loan, LoanStatus, ReturnObligation, ReturnStatus


def loans_overdue(queryset=None, *, today: date | None = None):
    """Loans still out after their due day."""
    queryset = Loan.objects.all() if queryset is None else queryset
    return queryset.filter(status=LoanStatus.OUT, due_on__lt=today or local_today())


def obligations_overdue(queryset=None, *, today: date | None = None):
    """Obligations still open after their due day (the sweep will count them as kept)."""
    queryset = ReturnObligation.objects.all() if queryset is None else queryset
    return queryset.filter(status=ReturnStatus.OPEN, due_on__lt=today or local_today())


def loans_out_by_borrower(queryset=None) -> list[dict]:
    """PT-3's count of what is lent to each customer and dealer: loans still out, their number and
    the quantity out, per borrower (most first)."""
    queryset = Loan.objects.all() if queryset is None else queryset
    rows = (queryset.filter(status=LoanStatus.OUT)
            .values("customer_id", "customer__name", "dealer_id", "dealer__name")
            .annotate(loans=Count("id"), quantity=Sum("quantity"))
            .order_by("-loans", "customer__name", "dealer__name"))
    return [{"name": r["customer__name"] or r["dealer__name"], "dealer": r["dealer_id"] is not None,
             "loans": r["loans"], "quantity": r["quantity"]} for r in rows]
