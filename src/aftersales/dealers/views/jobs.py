"""Dealer jobs: handed over from a request's page, accepted and completed by the dealer (DL-2),
taken back by HQ; a dealer records a call it took itself."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.events import event_list
from aftersales.core.forms import form_error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, service_run
from aftersales.customers.models import Customer
from aftersales.service.models import ServiceRequest

from .. import services
from ..choices import JobState
from ..forms import CompleteForm, HandOverForm, OwnJobForm, PartAddForm, fitted_parts_form
from ..models import Dealer, DealerJob, DealerJobPart
from ..selectors import dealer_for, dealer_stock, job_list, job_orders, job_parts
from .common import dealer_or_hq_required, dealer_required, hq_required, is_dealer

JOB_FILTERS = {"open": gettext_lazy("open"), "late": gettext_lazy("late"),
               **dict(JobState.choices), "all": gettext_lazy("all")}
EVENT_LABELS = {
    "hand_over": gettext_lazy("Handed over"), "record": gettext_lazy("Call recorded"),
    "accept": gettext_lazy("Accepted"), "complete": gettext_lazy("Completed"),
    "withdraw": gettext_lazy("Taken back"), "audit_draw": gettext_lazy("Drawn for an audit call"),
    "part_add": gettext_lazy("Part added afterwards"),
    "part_take_off": gettext_lazy("Part taken off afterwards"),
    "audit_check": gettext_lazy("Audit call recorded"),
}


def _events(job):
    rows = list(event_list(job))
    for row in rows:
        row.label = EVENT_LABELS.get(row.action, row.action)
    return rows


@require_GET
@dealer_or_hq_required
def job_list_view(request):
    state = request.GET.get("state") or "open"
    state = state if state in JOB_FILTERS else "open"
    rows = job_list(request.user, state=state)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(request__number__icontains=q) | Q(customer__name__icontains=q)
                           | Q(customer__phone=q) | Q(dealer__name__icontains=q))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "dealers/jobs.html", {
        "page": page, "state": state, "filters": list(JOB_FILTERS.items()), "q": q,
        "query": page_query(request), "dealer_view": is_dealer(request.user)})


JOB_RELATED = ("dealer", "customer", "request", "installed_product__model")


def _job_page(request, job, *, form=None, parts_form=None, status=200):
    """The job's page; a dealer's login completes an open job on it (with the parts it fitted)."""
    dealer_view = is_dealer(request.user)
    completing = dealer_view and job.is_open
    if completing and form is None:
        form, parts_form = CompleteForm(job=job), fitted_parts_form()
    correcting = dealer_view and services.job_parts_correctable(job)
    return render(request, "dealers/job.html", {
        "job": job, "dealer_view": dealer_view, "events": _events(job),
        "form": form, "parts_form": parts_form, "correcting": correcting,
        "stock": (dealer_stock(request.user).filter(quantity__gt=0)
                  if completing or correcting else ()),
        "fitted": job_parts(job), "orders": job_orders(job),
        "products": job.customer.products.select_related("model")[:10]}, status=status)


@require_GET
@dealer_or_hq_required
def job_detail(request, pk):
    job = get_restricted(DealerJob.objects.select_related(*JOB_RELATED), request.user, pk=pk)
    return _job_page(request, job)


@require_POST
@dealer_required
def job_accept(request, pk):
    job = get_restricted(DealerJob.objects.all(), request.user, pk=pk)
    if service_run(request, lambda: services.dealer_job_accept(actor=request.user, job=job)):
        messages.success(request, _("Job accepted."))
    return redirect("dealers:job", pk=job.pk)


@require_POST
@dealer_required
def job_complete(request, pk):
    job = get_restricted(DealerJob.objects.select_related(*JOB_RELATED), request.user, pk=pk)
    form = CompleteForm(request.POST, job=job)
    parts_form = fitted_parts_form(request.POST)
    if (form.is_valid() & parts_form.is_valid()) and service_run(
            request, lambda: services.dealer_job_complete(
                actor=request.user, job=job, parts=parts_form.lines(), **form.cleaned_data),
            form=form):
        messages.success(request, _("Job done and confirmed by the customer."))
        return redirect("dealers:job", pk=job.pk)
    return _job_page(request, job, form=form, parts_form=parts_form, status=400)


@require_POST
@dealer_required
def job_part_add(request, pk):
    """A part fitted on a completed job but not recorded at completion."""
    job = get_restricted(DealerJob.objects.all(), request.user, pk=pk)
    form = PartAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
    elif service_run(request, lambda: services.dealer_job_part_add(
            actor=request.user, job=job, part=form.cleaned_data["part"],
            quantity=form.cleaned_data.get("quantity") or 1,
            reason=form.cleaned_data["reason"])):
        messages.success(request, _("Part added to the job."))
    return redirect("dealers:job", pk=job.pk)


@require_POST
@dealer_required
def job_part_take_off(request, pk, line):
    """A part recorded on a completed job by mistake goes back into the dealer's stock."""
    job = get_restricted(DealerJob.objects.all(), request.user, pk=pk)
    line = get_restricted(DealerJobPart.objects.filter(job=job), request.user, pk=line)
    if service_run(request, lambda: services.dealer_job_part_take_off(
            actor=request.user, line=line, reason=request.POST.get("reason", ""))):
        messages.success(request, _("Part taken off the job and put back into your stock."))
    return redirect("dealers:job", pk=job.pk)


@require_POST
@hq_required
def job_withdraw(request, pk):
    job = get_restricted(DealerJob.objects.select_related("request"), request.user, pk=pk)
    if service_run(request, lambda: services.dealer_job_withdraw(actor=request.user, job=job,
                                                         note=request.POST.get("note", ""))):
        messages.success(request, _("Job taken back from the dealer."))
    return redirect("dealers:job", pk=job.pk)


@require_POST
@hq_required
def hand_over(request, request_pk):
    """From a request's page (panel): hand it to a dealer of the customer's region."""
    job = get_restricted(ServiceRequest.objects.select_related("customer"), request.user,
                         "change", pk=request_pk)
    form = HandOverForm(request.POST)
    dealer = None
    if form.is_valid():
        dealer = Dealer.objects.restrict(request.user).filter(pk=form.cleaned_data["dealer"]).first()
    if dealer is None:
        messages.error(request, _("Choose the dealer."))
    elif service_run(request, lambda: services.job_hand_to_dealer(
            actor=request.user, job=job, dealer=dealer, note=form.cleaned_data["note"],
            kind=form.cleaned_data["kind"])):
        messages.success(request, _("%(number)s handed to %(dealer)s.") % {
            "number": job.number, "dealer": dealer.name})
    return redirect("service:detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
@dealer_required
def job_new(request):
    """A call the dealer took itself, recorded for the maker (DL-2)."""
    dealer = dealer_for(request.user)
    form = OwnJobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = list(Customer.objects.restrict(request.user).filter(
            Q(phone=data["phone"]) | Q(phone_alt=data["phone"]))[:2])
        if len(found) != 1:
            form.add_error("phone", _("No customer of your region with this phone number.")
                           if not found else _("Several customers have this phone number."))
        else:
            saved = {}

            def call():
                saved["job"] = services.dealer_job_record(
                    actor=request.user, dealer=dealer, customer=found[0], kind=data["kind"],
                    description=data["description"], reference=data["reference"])

            if service_run(request, call, form=form):
                messages.success(request, _("Job recorded."))
                return redirect("dealers:job", pk=saved["job"].pk)
    return render(request, "dealers/job_new.html", {"form": form, "dealer": dealer},
                  status=400 if form.errors else 200)
