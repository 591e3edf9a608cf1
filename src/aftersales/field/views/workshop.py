"""The workshop (WK-3): the in/out register, products at the bench, and each repair card."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.service import services
from aftersales.service.choices import Status

from .. import selectors
from ..forms import (
    FinishRepairForm,
    HandBackForm,
    InspectForm,
    LaborForm,
    PartForm,
    RecordWorkForm,
    RegisterFilterForm,
)
from .common import available_actions, done, perform, refused, staff_view

PAGE_SIZE = 25


@require_GET
@staff_view
def workshop(request):
    """Products at the workshop now (overdue returns first) and the in/out register."""
    today = selectors.today()
    q = request.GET.get("q", "").strip()
    products = list(selectors.workshop_list(user=request.user, q=q,
                                            status=request.GET.get("status", "")))
    receipts = selectors.open_receipts(products)
    for job in products:
        job.receipt = receipts.get(job.pk)
        due = job.repair_card.return_due_on
        job.overdue = bool(due and due < today)
    filters = RegisterFilterForm(request.GET or None, prefix="reg")
    data = filters.cleaned_data if filters.is_valid() else {}
    register = selectors.register_list(
        user=request.user, q=data.get("q", ""), direction=data.get("direction", ""),
        date_from=data.get("date_from"), date_to=data.get("date_to"))
    page = Paginator(register, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "field/workshop.html", {
        "products": products, "filters": filters, "page": page, "query": query.urlencode(),
        "q": q, "status": request.GET.get("status", ""), "today": today,
        "statuses": [(s, s.label) for s in (Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED)],
    })


def card_context(request, job, **extra) -> dict:
    card = getattr(job, "repair_card", None)
    if card is None:
        raise Http404
    version = {"version": job.version}
    context = {
        "job": job,
        "card": card,
        "actions": available_actions(job, request.user),
        "work": selectors.job_work(job),
        "receipt": selectors.latest_receipt(job),
        "signatures": selectors.signatures(job),
        "register": job.register_entries.select_related("receipt", "by").order_by("at", "id"),
        "record_form": RecordWorkForm(initial={
            **version, "fault_found": job.fault_found, "fault_cause": job.fault_cause,
            "action_taken": job.action_taken, "cause": job.cause}),
        "labor_form": LaborForm(),
        "part_form": PartForm(initial={"quantity": 1}),
        "finish_form": FinishRepairForm(initial={**version, "work_done": card.work_done}),
        "inspect_form": InspectForm(initial=version),
        "hand_back_form": HandBackForm(initial=version),
        "overdue": bool(card.return_due_on and card.return_due_on < selectors.today()
                        and card.returned_at is None),
        "can_work": job.status in services.WORK_STATES,
        "on_card": True,
        "now": timezone.now(),
    }
    context.update(extra)
    return context


@require_GET
@staff_view
def repair_card(request, pk):
    job = selectors.job_get(user=request.user, pk=pk)
    return render(request, "field/repair_card.html", card_context(request, job))


CARD_STEPS = {
    # step: (form class, context name, partial template)
    "finish": (FinishRepairForm, "finish_form", "field/_card_finish.html"),
    "inspect": (InspectForm, "inspect_form", "field/_card_inspect.html"),
    "hand_back": (HandBackForm, "hand_back_form", "field/_card_hand_back.html"),
}


def _card_call(step, actor, job, data):
    if step == "finish":
        return services.service_request_finish_repair(
            actor=actor, request=job, work_done=data["work_done"], expected_version=data["version"])
    if step == "inspect":
        return services.service_request_inspect(
            actor=actor, request=job, passed=data["passed"], note=data["note"],
            expected_version=data["version"])
    return services.service_request_hand_back(
        actor=actor, request=job, signer_name=data["signer_name"], signature=data["signature"],
        opinion=data["opinion"], expected_version=data["version"])


def _card_message(step, job) -> str:
    if step == "finish":
        return _("Repair finished; waiting for the supervisor's inspection.")
    if step == "inspect":
        if job.status == Status.INSPECTED:
            return _("Inspection passed; the product is ready to return.")
        return _("Inspection failed; the product is back on the bench.")
    return _("Product returned to the customer; receipt cancelled.")


@require_POST
@staff_view
def card_step(request, pk, step):
    """Repair finished → supervisor's inspection → return with the customer's signature."""
    if step not in CARD_STEPS:
        raise Http404
    form_class, name, template = CARD_STEPS[step]
    job = selectors.job_get(user=request.user, pk=pk, action="change")
    url = reverse("field:repair_card", args=[job.pk])
    form = form_class(request.POST)
    outcome = None
    if form.is_valid():
        outcome = perform(form, lambda: _card_call(step, request.user, job, form.cleaned_data))
        if outcome.ok:
            return done(request, url, _card_message(step, outcome.result))
    page_error = outcome.page_error if outcome else ""
    if request.htmx:
        return render(request, template, card_context(request, job, **{name: form},
                                                      page_error=page_error))
    if page_error:
        return refused(request, url, page_error)
    return render(request, "field/repair_card.html", card_context(request, job, **{name: form}))
