"""Dealers, their regions and contracts (DL-1): HQ's pages; a dealer's login gets its own home."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.dates import local_today
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, service_run
from aftersales.customers.models import Customer

from .. import services
from ..choices import OPEN_JOB_STATES, DealerState, ReportState
from ..forms import FEE_LINES, ContractForm, DealerForm, RegionForm, TrainingForm
from ..models import Dealer, DealerContract, Region
from ..selectors import dealer_for, dealer_stock, job_list, jobs_seen, open_orders, report_list
from .common import dealer_or_hq_required, hq_required, is_dealer, network_required

STATES = {"": gettext_lazy("all"), **dict(DealerState.choices)}


@require_GET
@dealer_or_hq_required
def home(request):
    """HQ: the dealer network. A dealer's login: its jobs, customers and stock."""
    if is_dealer(request.user):
        return dealer_home(request)
    state = request.GET.get("state", "")
    q = (request.GET.get("q") or "").strip()
    rows = Dealer.objects.restrict(request.user).prefetch_related("regions")
    if state in DealerState.values:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q)
                           | Q(regions__name__icontains=q)).distinct()
    rows = rows.annotate(
        open_jobs=Count("jobs", filter=Q(jobs__state__in=OPEN_JOB_STATES), distinct=True),
        overdue_reports=Count("reports", filter=Q(reports__state=ReportState.DUE,
                                                  reports__due_on__lt=local_today()),
                              distinct=True))
    page = Paginator(rows.order_by("code"), 25).get_page(request.GET.get("page"))
    return render(request, "dealers/list.html", {
        "page": page, "q": q, "state": state, "states": list(STATES.items()),
        "query": page_query(request), "may_edit": _may_edit(request.user)})


def _may_edit(user) -> bool:
    return user.is_superuser or user.role in {"manager", "admin"}


def dealer_home(request):
    user = request.user
    dealer = dealer_for(user)
    if dealer is None:
        return render(request, "dealers/no_dealer.html", status=403)
    q = (request.GET.get("q") or "").strip()
    customers = Customer.objects.restrict(user).order_by("name", "id")
    if q:
        customers = customers.filter(Q(name__icontains=q) | Q(phone=q) | Q(address__icontains=q))
    return render(request, "dealers/home_dealer.html", {
        "dealer": dealer, "jobs": list(job_list(user)[:50]),
        "done": list(job_list(user, state="completed")[:10]),
        "customers": Paginator(customers, 20).get_page(request.GET.get("page")), "q": q,
        "stock": list(dealer_stock(user)[:100]), "orders": open_orders(user),
        "reports": list(report_list(user, state=ReportState.DUE)[:3]),
        "now_dt": timezone.now()})


@require_GET
@hq_required
def dealer_detail(request, pk):
    dealer = get_restricted(Dealer.objects.prefetch_related("regions"), request.user, pk=pk)
    contracts = list(DealerContract.objects.filter(dealer=dealer).prefetch_related("fees"))
    jobs = list(dealer.jobs.select_related("request", "customer").order_by("-handed_at")[:20])
    today = local_today()
    return render(request, "dealers/detail.html", {
        "dealer": dealer, "contracts": contracts,
        "current": next((c for c in contracts if c.active_on(today)), None),
        "logins": dealer.logins.select_related("user"),
        "jobs": jobs, "jobs_seen": jobs_seen(request.user, (j.pk for j in jobs)),
        "reports": dealer.reports.order_by("-month")[:6], "today": today,
        "trainings": dealer.trainings.order_by("-held_on", "-id")[:TRAININGS_SHOWN],
        "training_form": TrainingForm(initial={"held_on": today}),
        "may_edit": _may_edit(request.user)})


TRAININGS_SHOWN = 10


@require_POST
@network_required
def training_add(request, pk):
    """DL-1: record a training given to the dealer's people; errors come back as a message."""
    dealer = get_restricted(Dealer.objects.all(), request.user, pk=pk)
    form = TrainingForm(request.POST)
    post = request.POST
    if service_run(request, lambda: services.training_record(
            actor=request.user, dealer=dealer,
            held_on=form.fields["held_on"].clean(post.get("held_on")) if post.get("held_on")
            else None,
            topic=post.get("topic", ""), attendees=post.get("attendees"),
            trainer=post.get("trainer", ""), note=post.get("note", ""))):
        messages.success(request, _("Training recorded."))
    return redirect(f"{reverse('dealers:detail', args=[dealer.pk])}#trainings")


@require_http_methods(["GET", "POST"])
@network_required
def dealer_edit(request, pk=None):
    dealer = get_restricted(Dealer.objects.all(), request.user, pk=pk) if pk else None
    initial = {}
    if dealer is not None:
        initial = {"code": dealer.code, "name": dealer.name, "contact": dealer.contact,
                   "phone": dealer.phone, "address": dealer.address,
                   "service_centre": dealer.service_centre_id,
                   "regions": list(dealer.regions.values_list("pk", flat=True))}
    form = DealerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, saved = form.cleaned_data, {}

        def call():
            saved["dealer"] = services.dealer_save(
                actor=request.user, dealer=dealer, code=data["code"], name=data["name"],
                contact=data["contact"], phone=data["phone"], address=data["address"],
                service_centre=data["service_centre"], regions=data["regions"],
                expected_version=int(request.POST.get("version") or 0) or None)

        if service_run(request, call, form=form):
            messages.success(request, _("Dealer %(name)s saved.") % {"name": saved["dealer"].name})
            return redirect("dealers:detail", pk=saved["dealer"].pk)
    return render(request, "dealers/dealer_form.html", {"form": form, "dealer": dealer},
                  status=400 if form.errors else 200)


@require_POST
@network_required
def dealer_state(request, pk):
    dealer = get_restricted(Dealer.objects.all(), request.user, pk=pk)
    state = request.POST.get("state", "")
    if service_run(request, lambda: services.dealer_state_set(actor=request.user, dealer=dealer,
                                                      state=state,
                                                      note=request.POST.get("note", ""))):
        messages.success(request, _("Dealer %(name)s is now %(state)s.") % {
            "name": dealer.name, "state": DealerState(state).label})
    return redirect("dealers:detail", pk=dealer.pk)


@require_http_methods(["GET", "POST"])
@network_required
def contract_edit(request, dealer_pk, pk=None):
    dealer = get_restricted(Dealer.objects.all(), request.user, pk=dealer_pk)
    contract = DealerContract.objects.filter(dealer=dealer, pk=pk).first() if pk else None
    initial, fees = {}, []
    if contract is not None:
        initial = {"number": contract.number, "starts_on": contract.starts_on,
                   "ends_on": contract.ends_on, "terms": contract.terms}
        fees = [(f.item, f.amount) for f in contract.fees.all()]
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST":
        fees = list(zip(request.POST.getlist("fee_item"), request.POST.getlist("fee_amount"),
                        strict=False))[:FEE_LINES * 3]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if service_run(request, lambda: services.contract_save(
                actor=request.user, dealer=dealer, contract=contract, number=data["number"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], terms=data["terms"],
                fees=fees), form=form):
            messages.success(request, _("Contract %(number)s saved.") % {"number": data["number"]})
            return redirect("dealers:detail", pk=dealer.pk)
    rows = list(fees) + [("", "")] * max(2, FEE_LINES - len(fees))
    return render(request, "dealers/contract_form.html", {
        "form": form, "dealer": dealer, "contract": contract, "fees": rows,
        "fee_errors": form.errors.get("__all__")}, status=400 if form.errors else 200)


@require_GET
@hq_required
def region_list(request):
    rows = Region.objects.restrict(request.user).annotate(n=Count("dealers")).order_by("code")
    return render(request, "dealers/regions.html", {"regions": rows,
                                                    "may_edit": _may_edit(request.user)})


@require_http_methods(["GET", "POST"])
@network_required
def region_edit(request, pk=None):
    region = get_restricted(Region.objects.all(), request.user, pk=pk) if pk else None
    initial = {"code": region.code, "name": region.name, "places": region.places} if region else {}
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if service_run(request, lambda: services.region_save(actor=request.user, region=region,
                                                     **data), form=form):
            messages.success(request, _("Region %(name)s saved.") % {"name": data["name"]})
            return redirect("dealers:regions")
    return render(request, "dealers/region_form.html", {"form": form, "region": region},
                  status=400 if form.errors else 200)
