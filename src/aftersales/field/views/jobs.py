"""The technician's phone pages: his jobs, and one job from en route to the customer's signature."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from aftersales.accounts.choices import Role
from aftersales.core.forms import form_error_text
from aftersales.dispatch.plans import route_positions
from aftersales.parts import selectors_catalogue as parts_catalogue
from aftersales.parts.models import Part
from aftersales.service import services
from aftersales.service.choices import Status

from .. import selectors
from ..forms import (
    CarryInForm,
    CompleteForm,
    LaborForm,
    PartForm,
    RecordWorkForm,
    RescheduleForm,
    StepForm,
)
from .common import at_workshop, available_actions, done, home_url, perform, refused, staff_view
from .workshop import card_context

FINISH_STEPS = {
    # step: (form class, template, workflow action)
    "complete": (CompleteForm, "field/_finish_complete.html", "complete"),
    "carry_in": (CarryInForm, "field/_finish_carry_in.html", "carry_in"),
    "reschedule": (RescheduleForm, "field/_finish_reschedule.html", "reschedule"),
}


@require_GET
@staff_view
def job_list(request):
    technicians = selectors.technician_choices(user=request.user)
    technician = request.user
    chosen = request.GET.get("technician", "")
    if chosen.isdigit() and request.user.role != Role.TECHNICIAN:
        technician = technicians.filter(pk=chosen).first() or request.user
    jobs = list(selectors.job_list(user=request.user, technician=technician))
    now = timezone.now()
    # His place in today's published day plan: "Stop 1 of 5, expected 10:40" (issue 3).
    positions = route_positions(technician=technician)
    for job in jobs:
        job.late = selectors.job_late(job, now)
        job.url = home_url(job)
        job.route = positions.get(job.pk)
    visits = [j for j in jobs if j.status not in selectors.WORKSHOP_STATUSES]
    bench = [j for j in jobs if j.status in selectors.WORKSHOP_STATUSES]
    return render(request, "field/jobs.html", {
        "visits": visits, "bench": bench, "technician": technician,
        "technicians": technicians if request.user.role != Role.TECHNICIAN else None,
    })


def job_context(request, job, **extra) -> dict:
    """Everything the job page and its sections show."""
    version = {"version": job.version}
    context = {
        "job": job,
        "actions": available_actions(job, request.user),
        "work": selectors.job_work(job),
        "visit": selectors.current_visit(job),
        "receipt": selectors.latest_receipt(job) if job.status != Status.ON_SITE else None,
        "signatures": (sigs := selectors.signatures(job)),
        "final_signature": sigs.get("completion") or sigs.get("return"),
        "record_form": RecordWorkForm(initial={
            **version, "fault_found": job.fault_found, "fault_cause": job.fault_cause,
            "action_taken": job.action_taken, "cause": job.cause}),
        "labor_form": LaborForm(),
        "part_form": PartForm(initial={"quantity": 1}),
        "can_work": job.status in services.WORK_STATES,
        "now": (now := timezone.now()),
        "late": selectors.job_late(job, now),
    }
    context.update(extra)
    return context


@require_GET
@staff_view
def job_detail(request, pk):
    job = selectors.job_get(user=request.user, pk=pk)
    extra = {}
    step = request.GET.get("finish")
    if step in FINISH_STEPS:
        form_class, template, _action = FINISH_STEPS[step]
        extra = {"finish_step": step, "finish_template": template,
                 "finish_form": form_class(initial={"version": job.version})}
    return render(request, "field/job.html", job_context(request, job, **extra))


STEPS = {"depart": services.service_request_depart, "arrive": services.service_request_arrive}


@require_POST
@staff_view
def job_step(request, pk, step):
    """En route / Arrived: one tap, a full reload to the next state."""
    if step not in STEPS:
        raise Http404
    job = selectors.job_get(user=request.user, pk=pk, action="change")
    url = reverse("field:job", args=[job.pk])
    form = StepForm(request.POST)
    if not form.is_valid():
        return refused(request, url, _("The page was out of date. Try again."))
    outcome = perform(form, lambda: STEPS[step](
        actor=request.user, request=job, note=form.cleaned_data["note"],
        expected_version=form.cleaned_data["version"]))
    if not outcome.ok:
        errors = outcome.page_error or form_error_text(form)
        return refused(request, url, errors)
    message = _("On your way to %(customer)s.") if step == "depart" else _("Arrived at %(customer)s.")
    return done(request, url, message % {"customer": job.customer.name})


def _section(request, job, template, **extra):
    """An htmx section of the job page (or repair card), or the whole page without htmx."""
    if request.htmx:
        return render(request, template, job_context(request, job, **extra))
    if extra.get("page_error"):
        return refused(request, home_url(job), extra["page_error"])
    has_errors = any(getattr(v, "errors", None) for v in extra.values())
    if not has_errors:
        return done(request, home_url(job), extra.get("saved", ""))
    if at_workshop(job):
        return render(request, "field/repair_card.html", card_context(request, job, **extra))
    return render(request, "field/job.html", job_context(request, job, **extra))


@require_POST
@staff_view
def job_record(request, pk):
    """AR-4: fault → cause → action; the cause may make the job chargeable (SR-3)."""
    job = selectors.job_get(user=request.user, pk=pk, action="change")
    form = RecordWorkForm(request.POST)
    on_card = bool(request.POST.get("on_card"))
    before = {"category": job.get_category_display(), "chargeable": job.chargeable}
    if not form.is_valid():
        return _section(request, job, "field/_record.html", record_form=form, on_card=on_card)
    data = form.cleaned_data
    outcome = perform(form, lambda: services.service_request_record_work(
        actor=request.user, request=job, fault_found=data["fault_found"],
        fault_cause=data["fault_cause"], action_taken=data["action_taken"],
        cause=data["cause"], expected_version=data["version"]))
    if not outcome.ok:
        return _section(request, job, "field/_record.html", record_form=form,
                        page_error=outcome.page_error, on_card=on_card)
    job = selectors.job_get(user=request.user, pk=pk)
    changed = before["category"] != job.get_category_display() or before["chargeable"] != job.chargeable
    response = _section(request, job, "field/_record.html", saved=_("Saved."),
                        terms_before=before if changed else None,
                        on_card=on_card, oob_summary=not on_card)
    trigger_client_event(response, "jobVersion", {"value": job.version})
    return trigger_client_event(response, "jobChanged")


@require_POST
@staff_view
def job_hours(request, pk):
    job = selectors.job_get(user=request.user, pk=pk, action="change")
    form = LaborForm(request.POST)
    if not form.is_valid():
        return _section(request, job, "field/_hours.html", labor_form=form)
    outcome = perform(form, lambda: services.labor_add(
        actor=request.user, request=job, hours=form.cleaned_data["hours"],
        note=form.cleaned_data["note"]))
    if not outcome.ok:
        return _section(request, job, "field/_hours.html", labor_form=form,
                        page_error=outcome.page_error)
    response = _section(request, job, "field/_hours.html",
                        saved=_("%(hours)s h added.") % {"hours": outcome.result.hours})
    return trigger_client_event(response, "jobChanged")


@require_POST
@staff_view
def job_parts(request, pk):
    """PT-1: a part from the price list; free or charged as the request's terms say."""
    job = selectors.job_get(user=request.user, pk=pk, action="change")
    form = PartForm(request.POST)
    if form.is_valid():
        part = selectors.part_get(user=request.user, pk=form.cleaned_data["part"])
        if part is None:
            form.add_error("part", _("Search the price list and choose a part."))
    if not form.is_valid():
        return _section(request, job, "field/_parts.html", part_form=form)
    outcome = perform(form, lambda: services.part_add(
        actor=request.user, request=job, part=part, quantity=form.cleaned_data["quantity"]))
    if not outcome.ok:
        return _section(request, job, "field/_parts.html", part_form=form,
                        page_error=outcome.page_error)
    response = _section(request, job, "field/_parts.html",
                        saved=_("%(part)s × %(qty)s added.") % {"part": part.name,
                                                                 "qty": outcome.result.quantity})
    return trigger_client_event(response, "jobChanged")


@require_GET
@staff_view
def job_totals(request, pk):
    """The figures the customer signs for, refreshed when hours, parts or the cause change."""
    job = selectors.job_get(user=request.user, pk=pk)
    return render(request, "field/_finish_summary.html", job_context(request, job))


@require_GET
@staff_view
def part_search(request, pk):
    """PT-1: the parts that fit the job's product model (and those that fit any); ``all=1``
    also shows the parts listed for other models only."""
    job = selectors.job_get(user=request.user, pk=pk)
    q = request.GET.get("q", "")
    product = job.installed_product
    show_all = request.GET.get("all") == "1"
    results = parts_catalogue.part_search(
        query=q, product_model=product.model if product else None, show_all=show_all,
        queryset=Part.objects.restrict(request.user, "view"))
    return render(request, "field/_part_results.html", {
        "job": job, "q": q, "results": results, "show_all": show_all,
        "product_model": product.model if product else None})


@require_http_methods(["GET", "POST"])
@staff_view
def job_finish(request, pk, step):
    """The three ways a visit ends: complete (signed), carry back (WK-3), unfinished (WK-4)."""
    if step not in FINISH_STEPS:
        raise Http404
    form_class, template, _action = FINISH_STEPS[step]
    job = selectors.job_get(user=request.user, pk=pk,
                            action="view" if request.method == "GET" else "change")
    if request.method == "GET":
        if not request.htmx:
            return redirect(f"{reverse('field:job', args=[job.pk])}?finish={step}#finish")
        form = form_class(initial={"version": job.version})
        return render(request, template, job_context(request, job, form=form, finish_step=step))
    form = form_class(request.POST)
    outcome = None
    if form.is_valid():
        outcome = perform(form, lambda: _finish(step, request.user, job, form.cleaned_data))
        if outcome.ok:
            return done(request, reverse("field:job", args=[job.pk]), _finished_message(step, outcome.result))
    page_error = outcome.page_error if outcome else ""
    if request.htmx:
        return render(request, template, job_context(request, job, form=form, finish_step=step,
                                                     page_error=page_error))
    if page_error:
        return refused(request, reverse("field:job", args=[job.pk]), page_error)
    return render(request, "field/job.html", job_context(
        request, job, finish_step=step, finish_template=template, finish_form=form))


def _finish(step, actor, job, data):
    if step == "complete":
        return services.service_request_complete(
            actor=actor, request=job, signer_name=data["signer_name"], signature=data["signature"],
            opinion=data["opinion"], expected_version=data["version"])
    if step == "carry_in":
        return services.service_request_carry_in(
            actor=actor, request=job, items=data["items"], signer_name=data["signer_name"],
            signature=data["signature"], return_due_on=data["return_due_on"],
            expected_version=data["version"])
    return services.service_request_reschedule(
        actor=actor, request=job, note=data["note"], next_visit_at=data["next_visit_at"],
        expected_version=data["version"])


def _finished_message(step, job) -> str:
    if step == "complete":
        return _("Job %(number)s completed and signed.") % {"number": job.number}
    if step == "carry_in":
        receipt = selectors.latest_receipt(job)
        return _("Product carried back. Product receipt %(receipt)s issued.") % {
            "receipt": receipt.number if receipt else "—"}
    return _("Visit recorded as unfinished; the job is rescheduled.")
