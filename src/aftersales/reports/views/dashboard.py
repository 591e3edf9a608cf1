"""The service manager's dashboard (live figures) and the deadline list behind it."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.views import PAGE_SIZE, page_query, roles_required

from .. import selectors
from ..charts import dashboard_charts
from ..forms import DashboardForm
from ..models import is_headquarters
from ..selectors.common import no_jit
from ..selectors.dashboard import RESPONSE_DAYS


def _scope(request):
    """The centre the figures are for: the service department picks one (or all); everyone
    else sees his own centre."""
    user = request.user
    form = DashboardForm(request.GET or None)
    if is_headquarters(user):
        centre = form.cleaned_data.get("centre") if form.is_valid() else None
        return form, centre
    if user.service_centre_id is None:
        raise Forbidden
    return None, user.service_centre


def _link(name: str, **params) -> str:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def _survey_link(centre, days: int) -> str:
    """The feedback app's survey list for the same centre and days, if the app is there."""
    since = (timezone.localdate() - timedelta(days=days)).isoformat()
    return _link("feedback:surveys", centre=centre.pk if centre else None, since=since)


@roles_required(DESK_ROLES)
def dashboard(request):
    form, centre = _scope(request)
    with no_jit():
        figures = selectors.dashboard_figures(user=request.user, centre=centre)
    centre_id = centre.pk if centre else None
    links = {
        "open": _link("service:list", open="true", service_centre=centre_id),
        "undispatched": _link("service:list", status="registered", service_centre=centre_id),
        "awaiting_agreement": _link("service:list", status="awaiting_agreement",
                                    service_centre=centre_id),
        "in_field": _link("service:list", status=["assigned", "en_route", "on_site"],
                          service_centre=centre_id),
        "at_workshop": _link("service:list", status=["carried_in", "repaired", "inspected"],
                             service_centre=centre_id),
        "completed": _link("service:list", status="completed", service_centre=centre_id),
        "at_risk": _link("reports:deadlines", state="at_risk", centre=centre_id),
        "missed": _link("reports:deadlines", state="missed", centre=centre_id),
        "paused": _link("reports:deadlines", state="paused", centre=centre_id),
        "surveys": _survey_link(centre, RESPONSE_DAYS),
    }
    for line in figures["technicians"]:
        line["open_link"] = _link("service:list", assigned_technician=line["technician"],
                                  status=["assigned", "en_route", "on_site"])
        line["workshop_link"] = _link("service:list", assigned_technician=line["technician"],
                                      status=["carried_in", "repaired"])
        line["done_link"] = _link("service:list", assigned_technician=line["technician"],
                                  status=["completed", "repaired"])
    return render(request, "reports/dashboard.html", {
        "form": form, "centre": centre, "figures": figures, "links": links,
        "charts": dashboard_charts(figures), "now": timezone.now(),
        "surveys": figures["surveys"],
    })


STATES = {"at_risk", "missed", "paused"}


@roles_required(DESK_ROLES)
def deadlines(request):
    form, centre = _scope(request)
    state = request.GET.get("state", "at_risk")
    if state not in STATES:
        state = "at_risk"
    clocks = selectors.deadline_list(user=request.user, centre=centre, state=state,
                                     now=timezone.now())
    page = Paginator(clocks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/deadlines.html", {
        "form": form, "centre": centre, "state": state, "page": page,
        "query": page_query(request), "now": timezone.now(),
    })
