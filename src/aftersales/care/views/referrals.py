"""Referrals (CR-3) and the 80/20 value analysis (CR-4)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.forms import apply_errors, error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query
from aftersales.customers.models import Customer

from .. import services
from ..choices import ReferralStatus
from ..forms import ReferralCloseForm, ReferralForm
from ..models import Referral
from ..selectors import value_analysis

STATUS_FILTERS = ["open", "won", "lost", "all"]
# who brought the prospect: a customer, an influence centre, or met at a user seminar
SOURCE_FILTERS = {"customer": {"referrer__isnull": False}, "centre": {"centre__isnull": False},
                  "seminar": {"seminar__isnull": False}}


@require_http_methods(["GET", "POST"])
@desk_required
def referral_list(request):
    status = request.GET.get("status") or "all"
    if status not in STATUS_FILTERS:
        status = "all"
    initial = {}
    referrer_pk = request.GET.get("referrer") or ""
    if referrer_pk.isdigit():
        referrer = Customer.objects.filter(pk=referrer_pk).first()
        if referrer is not None:
            initial["referrer"] = referrer.phone
    for field in ("centre", "seminar"):  # from a centre's or a seminar's page
        if (request.GET.get(field) or "").isdigit():
            initial[field] = int(request.GET[field])
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Referral recorded."))
            return redirect("care:referrals")
        except ValidationError as exc:
            apply_errors(form, exc)
    rows = Referral.objects.restrict(request.user).select_related(
        "referrer", "centre", "seminar", "referred", "recorded_by")
    if status != "all":
        rows = rows.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(referrer__name__icontains=q) | Q(centre__name__icontains=q)
                           | Q(prospect_name__icontains=q))
    source = request.GET.get("source") or ""
    if source in SOURCE_FILTERS:
        rows = rows.filter(**SOURCE_FILTERS[source])
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {s: Referral.objects.restrict(request.user).filter(status=s).count()
              for s in ReferralStatus.values}
    return render(request, "care/referrals.html", {
        "form": form, "page": page, "status": status, "q": q, "query": page_query(request),
        "source": source,
        "filters": STATUS_FILTERS, "counts": counts,
        "close_form": ReferralCloseForm()})


@require_POST
@desk_required
def referral_close(request, pk: int):
    referral = get_restricted(Referral.objects.all(), request.user, "change", pk=pk)
    form = ReferralCloseForm(request.POST)
    if form.is_valid():
        try:
            services.referral_close(actor=request.user, referral=referral, **form.cleaned_data)
            messages.success(request, _("Referral closed."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, error_text(ValidationError(form.errors)))
    return redirect("care:referrals")


@require_GET
@desk_required
def value_view(request):
    # CR-4: the few who bring 80 % of the business, or 90 % (90/10)
    share = 90 if request.GET.get("share") == "90" else 80
    data = value_analysis(top_share=share, limit=200)
    data["shares"] = [(80, "80/20"), (90, "90/10")]
    # the chart: 400 × 200 units, x = share of customers, y = cumulative share of value
    data["points"] = [(round(x * 4, 1), round(200 - y * 2, 1)) for x, y in data["curve"]]
    data["line80"] = 200 - data["top_share"] * 2
    return render(request, "care/value.html", data)
