"""What a customer may read of his requests, in his words (reads with policy, rule 2).

The customer sees his own requests only (``ServiceRequest.objects.restrict``); of a request's
timeline he sees the steps that concern him, never staff notes except the reason a visit was
moved (WK-4: tell the customer why).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import Role
from aftersales.core.events import event_list
from aftersales.core.querysets import get_restricted
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.feedback.models import Survey
from aftersales.field.selectors import job_work
from aftersales.service.choices import OPEN_STATUSES, Status
from aftersales.service.models import ServiceRequest

PLAIN_STATUS = {
    Status.AWAITING_AGREEMENT: _("Waiting for your agreement to the charge"),
    Status.REGISTERED: _("Received — we will send a technician soon"),
    Status.ASSIGNED: _("A technician is booked"),
    Status.EN_ROUTE: _("The technician is on the way"),
    Status.ON_SITE: _("The technician is with you"),
    Status.CARRIED_IN: _("Being repaired in our workshop"),
    Status.REPAIRED: _("Repaired — being checked"),
    Status.INSPECTED: _("Checked — ready to bring back to you"),
    Status.COMPLETED: _("Done"),
    Status.CLOSED: _("Done"),
    Status.CANCELLED: _("Cancelled"),
}

# Progress shown as four steps: received, booked, being fixed, done.
STEPS = [pgettext_lazy("progress", "Received"), _("Technician booked"), _("Being fixed"), _("Done")]
STEP_OF = {
    Status.AWAITING_AGREEMENT: 0, Status.REGISTERED: 0, Status.ASSIGNED: 1, Status.EN_ROUTE: 2,
    Status.ON_SITE: 2, Status.CARRIED_IN: 2, Status.REPAIRED: 2, Status.INSPECTED: 2,
    Status.COMPLETED: 3, Status.CLOSED: 3,
}

TIMELINE_TEXT = {
    "register": _("We received your request"),
    "agree": _("You agreed to the charge"),
    "decline": _("You declined the charge; the request was cancelled"),
    "assign": _("Technician %(technician)s is booked for you"),
    "depart": _("The technician set off to you"),
    "arrive": _("The technician arrived"),
    "complete": _("The work is done and you signed for it"),
    "carry_in": _("Your product was taken to our workshop"),
    "finish_repair": _("The repair is finished"),
    "inspect_pass": _("Our supervisor checked the repair"),
    "hand_back": _("Your product was brought back to you"),
    "reschedule": _("The visit was moved"),
    "appointment_move": _("The visit was moved"),
    "close": _("Your request is closed"),
    "cancel": _("The request was cancelled"),
}
# Steps customers are not shown: internal rework, taking a job back, edits of the record.
HIDDEN_ACTIONS = {"unassign", "inspect_fail", "record_work"}


UPCOMING_STATUSES = frozenset({Status.ASSIGNED, Status.EN_ROUTE})


def upcoming_visit(request: ServiceRequest):
    """The appointment still ahead of him, if any (not one of a finished visit)."""
    return request.appointment_at if request.status in UPCOMING_STATUSES else None


def plain_status(status: str) -> str:
    return str(PLAIN_STATUS.get(status, status))


def portal_request_list(*, user, show: str = "open"):
    """His requests, open ones first, newest first; ``show`` is "open" or "all"."""
    qs = (
        ServiceRequest.objects.restrict(user, "view")
        .select_related("installed_product__model", "assigned_technician")
        .annotate(done=Case(When(status__in=list(OPEN_STATUSES), then=Value(0)), default=Value(1),
                            output_field=IntegerField()))
        .order_by("done", "-reported_at", "-id")
    )
    if show == "open":
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    return qs


def portal_request_get(*, user, number: str) -> ServiceRequest:
    """One of his requests by number; the same 404 for missing and for another customer's."""
    qs = ServiceRequest.objects.select_related(
        "installed_product__model", "assigned_technician", "customer", "service_centre"
    )
    return get_restricted(qs, user, "view", number=number)


def portal_pending_surveys(*, user):
    """The surveys of his finished jobs that still wait for his answer (not answered, not
    expired), newest job first. The link goes through feedback's page for the request, which
    issues a one-use survey link only when he opens it."""
    finished = ServiceRequest.objects.restrict(user, "view").filter(
        status__in=[Status.COMPLETED, Status.CLOSED])
    return (Survey.objects.live().filter(request__in=finished).select_related("request")
            .order_by("-request__completed_at", "-id"))


def portal_hotline(user) -> str:
    """The number a customer should call: his service centre's, else the service hotline."""
    phone = ""
    if user.is_authenticated and user.role == Role.CUSTOMER:
        phone = (Customer.objects.filter(user=user)
                 .values_list("service_centre__phone", flat=True).first() or "")
    return phone or settings.SERVICE_HOTLINE


def portal_products(*, user):
    """His installed products, for "report a problem"."""
    return InstalledProduct.objects.restrict(user, "view").select_related("model").order_by(
        "model__name", "serial"
    )


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    text: str
    detail: str = ""


def portal_timeline(request: ServiceRequest) -> list[TimelineItem]:
    items = []
    for event in event_list(request):
        if event.action in HIDDEN_ACTIONS or event.action not in TIMELINE_TEXT:
            continue
        detail = ""
        values = {"technician": event.data.get("technician_name", "")}
        if event.action in {"reschedule", "appointment_move"}:
            detail = event.note
            next_visit = parse_datetime(event.data.get("next_visit_at") or "")
            if next_visit:
                detail = _("%(reason)s — next visit %(when)s") % {
                    "reason": event.note,
                    "when": date_format(localtime(next_visit), "Y-m-d H:i"),
                }
        text = str(TIMELINE_TEXT[event.action])
        if "%(" in text:
            text = text % values
        items.append(TimelineItem(at=event.at, text=text, detail=str(detail)))
    return items


@dataclass(frozen=True)
class Charges:
    parts: list
    parts_total: Decimal
    hours: Decimal
    quoted: Decimal
    total: Decimal  # what he signed for on the voucher (field.selectors.Work.total_charge)


def portal_charges(request: ServiceRequest) -> Charges:
    work = job_work(request)  # the figures of the technician's page and the voucher
    return Charges(
        parts=work.parts,
        parts_total=work.parts_charged,
        hours=work.hours_total,
        quoted=request.estimated_charge,
        total=work.total_charge,
    )
