"""The parts area's start page: each part of the area with what waits there for this user."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.accounts.choices import Role

from ..models import (
    Loan,
    LoanStatus,
    MaterialRequest,
    ReturnObligation,
    ReturnStatus,
    StockCount,
    StockCountStatus,
)
from ..models.requests import OPEN_MATERIAL_REQUEST_STATUSES, MaterialRequestStatus, late_q
from ..selectors import low_stock_list
from ..selectors_prices import price_list
from .stock import staff_required


@require_GET
@staff_required
def parts_home(request):
    user, today = request.user, timezone.localdate()
    returns = ReturnObligation.objects.restrict(user, "view").filter(
        status__in=[ReturnStatus.OPEN, ReturnStatus.SENT])
    loans = Loan.objects.restrict(user, "view").filter(status=LoanStatus.OUT)
    requests = MaterialRequest.objects.restrict(user, "view")
    areas = [
        {"url": "parts:material_requests", "key": "requests",
         "open": requests.filter(status__in=OPEN_MATERIAL_REQUEST_STATUSES).count(),
         "attention": requests.filter(status=MaterialRequestStatus.SHIPPED).count(),
         "late": requests.filter(late_q()).count()},
        {"url": "parts:stock_places", "key": "stock",
         "attention": low_stock_list(user=user).count()},
        {"url": "parts:returns", "key": "returns", "open": returns.count(),
         "attention": returns.filter(status=ReturnStatus.OPEN, due_on__lt=today).count()},
        {"url": "parts:loans", "key": "loans", "open": loans.count(),
         "attention": loans.filter(due_on__lt=today).count()},
    ]
    areas.append({"url": "parts:prices", "key": "prices",
                  "attention": price_list(user=user, day=today, unpriced=True).count()})
    if user.role != Role.TECHNICIAN:
        areas.append({"url": "parts:counts", "key": "counts",
                      "open": StockCount.objects.restrict(user, "view").filter(
                          status__in=[StockCountStatus.OPEN, StockCountStatus.COUNTED]).count()})
    return render(request, "parts/home.html", {"areas": areas})
