"""Influence centres (CR-3): the list with what each brought, adding one, its page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.dates import local_today
from aftersales.core.events import event_list
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query, service_run, service_value

from .. import services
from ..choices import CentreKind
from ..forms import CentreContactForm, InfluenceCentreForm
from ..models import CARE_EDITORS, CareSettings, InfluenceCentre, Referral
from ..selectors import influence_centre_list

CONTACTS_SHOWN = 20


def _may_add(user) -> bool:
    return user.is_superuser or user.role in CARE_EDITORS


def _saved(request, form, centre=None):
    """Save the form through the service; the centre's page on success, else None."""
    done, saved = service_value(request, lambda: services.influence_centre_save(
        actor=request.user, centre=centre, expected_version=centre.version if centre else None,
        **form.cleaned_data), form=form)
    return redirect("care:centre", saved.pk) if done else None


@require_http_methods(["GET", "POST"])
@staff_required
def centre_list(request):
    may_add = _may_add(request.user)
    form = InfluenceCentreForm(request.POST or None, initial={"keeper": request.user.pk})
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied()
        if form.is_valid() and (response := _saved(request, form)) is not None:
            return response
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    active = request.GET.get("active", "1")
    due = request.GET.get("due") == "1"
    rows = influence_centre_list(user=request.user, q=q, kind=kind, active=active, due=due)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for centre in page.object_list:
        centre.rate = round(100 * centre.won / centre.referred) if centre.referred else None
    return render(request, "care/centres/list.html", {
        "page": page, "q": q, "kind": kind, "active": active, "kinds": CentreKind.choices,
        "due": due, "contact_days": CareSettings.load().centre_contact_days,
        "query": page_query(request), "form": form, "may_add": may_add,
        "form_open": request.method == "POST"},
        status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_required
def centre_detail(request, pk: int):
    centre = get_restricted(InfluenceCentre.objects.select_related("keeper", "customer"),
                            request.user, pk=pk)
    may_edit = _may_add(request.user) or centre.keeper_id == request.user.pk
    initial = {"name": centre.name, "kind": centre.kind, "contact_name": centre.contact_name,
               "phone": centre.phone, "address": centre.address,
               "customer": centre.customer.phone if centre.customer else "",
               "keeper": centre.keeper_id, "active": centre.active, "note": centre.note}
    form = InfluenceCentreForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied()
        if form.is_valid() and (response := _saved(request, form, centre)) is not None:
            return response
    referrals = list(Referral.objects.filter(centre=centre)
                     .select_related("referred", "seminar", "recorded_by")
                     .order_by("-created_at", "-id"))
    won = sum(1 for r in referrals if r.status == "won")
    contact_form = CentreContactForm(initial={"contacted_on": local_today()})
    return render(request, "care/centres/detail.html", {
        "contacts": centre.contacts.select_related("by")[:CONTACTS_SHOWN],
        "contact_form": contact_form,
        "may_contact": services.may_contact(request.user, centre),
        "centre": centre, "form": form, "may_edit": may_edit, "referrals": referrals,
        "won": won, "rate": round(100 * won / len(referrals)) if referrals else None,
        "refer_url": f"{reverse('care:referrals')}?centre={centre.pk}",
        "events": event_list(centre), "form_open": request.method == "POST"},
        status=400 if request.method == "POST" else 200)


@require_POST
@staff_required
def centre_contact(request, pk: int):
    centre = get_restricted(InfluenceCentre.objects.all(), request.user, pk=pk)
    form = CentreContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
    elif service_run(request, lambda: services.centre_contact_record(
            actor=request.user, centre=centre, **form.cleaned_data)):
        messages.success(request, _("Contact recorded."))
    return redirect("care:centre", centre.pk)
