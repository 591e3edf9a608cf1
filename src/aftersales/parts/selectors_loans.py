"""Reads of return obligations and loans (PT-3): the lists and their filters."""

from datetime import date

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
