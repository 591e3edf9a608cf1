"""The 三包 pages: the decision posted from the request page's panel, and the outcomes list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import desk_required, staff_required
from aftersales.core.dates import local_today
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query, safe_next, service_run
from aftersales.invoicing.permissions import may_issue
from aftersales.parts.models import Warehouse
from aftersales.service.models import ServiceRequest

from . import services
from .choices import OutcomeKind
from .forms import DecisionForm, DisposalForm, PayoutForm
from .models import WarrantyOutcome
from .selectors import outcome_list, warranty_facts


@desk_required
@require_POST
def outcome_decide(request, pk: int):
    job = get_restricted(ServiceRequest.objects.select_related(
        "installed_product__model", "service_centre", "customer"), request.user, pk=pk)
    facts = warranty_facts(job)
    form = DecisionForm(request.POST, request.FILES, request=job, user=request.user,
                        priors=facts.priors)
    target = redirect("service:detail", pk=job.pk)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[f].label if f in form.fields else ''}: "
                                         f"{' '.join(e)}" for f, e in form.errors.items()))
        return target
    try:
        outcome = services.outcome_decide(actor=request.user, request=job, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("三包 outcome %(number)s: %(kind)s.")
                         % {"number": outcome.number, "kind": outcome.get_kind_display()})
    return target


@staff_required
@require_POST
def unit_received_view(request, pk: int):
    """The faulty unit of a replacement or refund came back (the request page's 三包 panel)."""
    outcome = get_restricted(WarrantyOutcome.objects.select_related("request"), request.user,
                             pk=pk)
    warehouse = Warehouse.objects.restrict(request.user).filter(
        pk=request.POST.get("warehouse") or 0).first()
    if service_run(request, lambda: services.unit_received(
            actor=request.user, outcome=outcome, warehouse=warehouse,
            serial=request.POST.get("serial", ""), note=request.POST.get("note", ""))):
        messages.success(request, _("The faulty unit of %(number)s is recorded as received.")
                         % {"number": outcome.number})
    return redirect(f"{reverse('service:detail', args=[outcome.request_id])}#sanbao")


@staff_required
@require_POST
def evidence_add_view(request, pk: int):
    """A photo or PDF added to a decided outcome's evidence (the request page's 三包 panel)."""
    outcome = get_restricted(WarrantyOutcome.objects.select_related("request"), request.user,
                             pk=pk)
    if service_run(request, lambda: services.evidence_add(
            actor=request.user, outcome=outcome, upload=request.FILES.get("file"))):
        messages.success(request, _("Evidence added to %(number)s.") % {"number": outcome.number})
    return redirect(f"{reverse('service:detail', args=[outcome.request_id])}#sanbao")


def _form_errors(form) -> str:
    """A shape check's errors as one page message, each after its field's label."""
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                    for f, e in form.errors.items())


@staff_required
@require_POST
def unit_disposed_view(request, pk: int):
    """What became of the faulty unit once received (the request page's 三包 panel)."""
    outcome = get_restricted(WarrantyOutcome.objects.select_related(
        "request__service_centre"), request.user, pk=pk)
    form = DisposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    elif service_run(request, lambda: services.unit_disposed(
            actor=request.user, outcome=outcome, **form.cleaned_data)):
        messages.success(request, _("What became of the faulty unit of %(number)s is "
                                    "recorded.") % {"number": outcome.number})
    return redirect(f"{reverse('service:detail', args=[outcome.request_id])}#sanbao")


@staff_required
@require_POST
def refund_paid_view(request, pk: int):
    """A refund's money paid out (the 三包 panel, or a row of the outcomes list for finance,
    which does not open request pages): back to where the form was."""
    outcome = get_restricted(WarrantyOutcome.objects.select_related(
        "request__service_centre", "credit_note"), request.user, pk=pk)
    form = PayoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    elif service_run(request, lambda: services.refund_paid(
            actor=request.user, outcome=outcome, **form.cleaned_data)):
        messages.success(request, _("The refund of %(number)s is recorded as paid out.")
                         % {"number": outcome.number})
    return redirect(safe_next(request, request.POST.get("next"))
                    or f"{reverse('service:detail', args=[outcome.request_id])}#sanbao")


UNIT_FILTERS = {"awaited", "received", "undisposed", "disposed"}
REFUND_FILTERS = {"unpaid", "paid"}


@staff_required
def outcome_list_view(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in OutcomeKind.values else ""
    unit = request.GET.get("unit", "")
    unit = unit if unit in UNIT_FILTERS else ""
    refund = request.GET.get("refund", "")
    refund = refund if refund in REFUND_FILTERS else ""
    page = Paginator(outcome_list(user=request.user, kind=kind, unit=unit, refund=refund),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "warranty/list.html", {
        "page": page, "query": page_query(request), "kind": kind, "kinds": OutcomeKind.choices,
        "unit": unit, "refund": refund, "may_pay_out": may_issue(request.user),
        "payout_form": PayoutForm(initial={"paid_on": local_today()}, auto_id=False),
        "here": request.get_full_path()})
