"""Complaint pages: the list (search, filters, pagination, Excel), registration, the case page
with its route and actions, the print form, the handling aid, the hand-over of a follow-up case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import desk_required, staff_required
from aftersales.core.attachments import attachment_list
from aftersales.core.events import event_list
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors, error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query

from .. import services
from ..choices import Grade, StepCode
from ..forms import (
    AcceptForm,
    AnswerForm,
    CloseForm,
    ComplaintForm,
    ListFilter,
    NegotiationForm,
    NoteForm,
    QAForm,
    QAReportForm,
    ReasonForm,
    ResponsibilityForm,
    StepForm,
)
from ..models import Complaint, Inquiry, RouteStep
from ..selectors import complaint_list, departments_with_people, internal_reader, internal_visible
from ..services.route import running_step
from ..workflow import complaint_workflow

STEP_FORMS = {StepCode.INTAKE: AcceptForm, StepCode.QA: QAForm,
              StepCode.NEGOTIATION: NegotiationForm}


def _filtered(request):
    form = ListFilter(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    rows = complaint_list(user=request.user, **{k: params.get(k) or "" for k in
                                                ("q", "status", "kind", "channel")})
    return form, rows


@require_GET
@desk_required
def complaint_list_view(request):
    form, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for c in page.object_list:
        c.overdue = c.is_open and c.case_due_at and c.case_due_at < now
    return render(request, "complaints/list.html", {
        "page": page, "form": form, "query": page_query(request),
        "export_query": page_query(request), "internal_reader": internal_reader(request.user)})


@require_GET
@desk_required
def complaint_export(request):
    form, rows = _filtered(request)
    if request.GET and not form.is_valid():
        return render(request, "complaints/list.html", {"form": form, "page": None}, status=400)
    workbook = workbook_new(title=_("Complaints"))
    sheet = sheet_add(workbook, _("Complaints"))
    row_append(sheet, [_("Number"), pgettext("complaint", "Received"), _("Channel"), _("Kind"), _("Status"),
                       _("Customer"), _("Product model"), _("Order number"), _("Cause"),
                       _("Whole case due"), _("Closed"), _("Outcome"), _("Allowance")])
    for c in rows[:10000]:
        row_append(sheet, [c.number, timezone.localtime(c.received_at).replace(tzinfo=None),
                           c.get_channel_display(), c.get_kind_display(), c.get_status_display(),
                           c.who, c.product_model.code if c.product_model_id else "",
                           c.order_ref, c.get_cause_display() if c.cause else "",
                           timezone.localtime(c.case_due_at).replace(tzinfo=None)
                           if c.case_due_at else None,
                           timezone.localtime(c.closed_at).replace(tzinfo=None)
                           if c.closed_at else None,
                           c.get_outcome_display() if c.outcome else "", c.outcome_amount])
    return xlsx_response(workbook, f"complaints-{timezone.localdate():%Y%m%d}.xlsx")


@require_http_methods(["GET", "POST"])
@desk_required
def complaint_new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = form.customer(request.user)
        if data.pop("customer_phone") and customer is None:
            form.add_error("customer_phone", _("No customer with this phone number."))
        else:
            uploads = data.pop("uploads")
            try:
                complaint = services.complaint_register(actor=request.user, customer=customer,
                                                        uploads=uploads, **data)
            except ValidationError as exc:
                apply_errors(form, exc, rename={"customer": "customer_phone"})
            else:
                messages.success(request, _("Complaint %(number)s registered.")
                                 % {"number": complaint.number})
                return redirect("complaints:detail", complaint.pk)
    return render(request, "complaints/new.html", {"form": form})


def _step_form(step, data=None, complaint=None):
    cls = STEP_FORMS.get(step.code, StepForm)
    initial = {"kind": complaint.kind} if complaint is not None else None
    return cls(data, prefix="step", initial=initial)


def _context(request, complaint, **forms):
    user = request.user
    step = running_step(complaint)
    internal = internal_visible(user, complaint)
    departments, people = departments_with_people() if internal else ([], [])
    ctx = {
        "c": complaint, "step": step, "now": timezone.now(),
        "steps": list(complaint.steps.select_related("department", "done_by")),
        "route": list(RouteStep.objects.select_related("department")),
        "alerts": list(complaint.alerts.select_related("step")),
        "inquiries": list(Inquiry.objects.filter(complaint=complaint)
                          .select_related("department", "step", "answered_by")),
        "attachments": attachment_list(complaint),
        "timeline": _timeline(complaint), "internal": internal,
        "step_form": forms.get("step_form") or (_step_form(step, complaint=complaint)
                                                if step else None),
        "close_form": forms.get("close_form") or CloseForm(prefix="close"),
        "reason_form": forms.get("reason_form") or ReasonForm(prefix="reopen"),
        "report_form": forms.get("report_form") or QAReportForm(prefix="qa"),
        "answer_form": AnswerForm(prefix="answer"),
        "may_cancel": any(t.name == "cancel" for t in complaint_workflow.available(complaint, user)),
        "reopenings": list(complaint.reopenings.all()),
    }
    if internal:
        lines = list(complaint.responsibilities.select_related("department", "person"))
        initial = {"loss_actual": complaint.loss_actual, "loss_resale": complaint.loss_resale,
                   "resold_on": complaint.resold_on}
        for i, r in enumerate(lines[:ResponsibilityForm.LINES]):
            initial.update({f"department_{i}": r.department_id, f"person_{i}": r.person_id or "",
                            f"ratio_{i}": r.ratio, f"grade_{i}": r.grade})
        ctx.update({
            "responsibilities": lines,
            "penalties": list(complaint.penalties.select_related("person", "department")
                              .prefetch_related("instalments")),
            "notes": list(complaint.internal_notes.select_related("author")),
            "note_form": NoteForm(prefix="note"),
            "resp_form": forms.get("resp_form") or ResponsibilityForm(
                prefix="resp", initial=initial, departments=departments, people=people),
            "strike": getattr(complaint, "strike", None) if hasattr(complaint, "strike") else None,
            "exclusion": getattr(complaint, "receivable_exclusion", None)
            if hasattr(complaint, "receivable_exclusion") else None,
        })
    return ctx


EVENT_LABELS = {
    "register": gettext_lazy("Registered"), "attachment_add": gettext_lazy("File attached"),
    "qa_report": gettext_lazy("QA report"), "internal_note": gettext_lazy("Internal note"),
    "responsibility_set": gettext_lazy("Responsibility set"),
    "customer_told": gettext_lazy("Customer told"), "reopen": gettext_lazy("Decision rejected"),
    "inquiry_answer": gettext_lazy("Inquiry answered"),
    "alert_reminder": gettext_lazy("Reminder sent"), "alert_urge": gettext_lazy("Urge note sent"),
    "alert_case_urge": gettext_lazy("Whole case overdue"),
}


def _timeline(complaint):
    rows = []
    for e in event_list(complaint):
        t = complaint_workflow.transitions.get(e.action)
        label = t.label if t else EVENT_LABELS.get(e.action, e.action)
        note = e.note if e.action not in ("internal_note",) else ""
        rows.append({"at": e.at, "actor": e.actor, "label": label, "note": note})
    return rows


def _get(request, pk):
    return get_restricted(Complaint.objects.select_related(
        "customer", "product_model", "installed_product", "request", "service_centre",
        "received_by", "follow_up_case", "reopened_from", "approved_by"), request.user, pk=pk)


@require_GET
@desk_required
def complaint_detail(request, pk: int):
    complaint = _get(request, pk)
    return render(request, "complaints/detail.html", _context(request, complaint))


@require_POST
@desk_required
def complaint_action(request, pk: int, action: str):
    complaint = _get(request, pk)
    user = request.user
    forms = {}
    try:
        if action == "step":
            step = running_step(complaint)
            if step is None:
                raise ConflictError(_("No step of this complaint is waiting."))
            form = _step_form(step, request.POST, complaint)
            forms["step_form"] = form
            if form.is_valid():
                services.step_complete(actor=user, complaint=complaint,
                                       expected_version=int(request.POST.get("version") or 0)
                                       or None, **form.cleaned_data)
                messages.success(request, _("Step done: %(step)s.") % {
                    "step": step.get_code_display()})
                return redirect("complaints:detail", pk)
        elif action == "close":
            form = CloseForm(request.POST, prefix="close")
            forms["close_form"] = form
            if form.is_valid():
                services.complaint_close(actor=user, complaint=complaint, **form.cleaned_data)
                messages.success(request, _("Closed; the customer is told the outcome."))
                return redirect("complaints:detail", pk)
        elif action == "reopen":
            form = ReasonForm(request.POST, prefix="reopen")
            forms["reason_form"] = form
            if form.is_valid():
                new = services.complaint_reopen(actor=user, complaint=complaint,
                                                reason=form.cleaned_data["reason"])
                messages.success(request, _("New complaint %(number)s linked to this one.")
                                 % {"number": new.number})
                return redirect("complaints:detail", new.pk)
        elif action == "qa_report":
            form = QAReportForm(request.POST, prefix="qa")
            forms["report_form"] = form
            if form.is_valid():
                services.qa_report_record(actor=user, complaint=complaint,
                                          text=form.cleaned_data["text"])
                messages.success(request, _("QA report recorded."))
                return redirect("complaints:detail", pk)
        elif action == "note":
            form = NoteForm(request.POST, prefix="note")
            if form.is_valid():
                services.internal_note_add(actor=user, complaint=complaint,
                                           text=form.cleaned_data["text"])
            return redirect("complaints:detail", pk)
        elif action == "responsibility":
            return _responsibility(request, complaint, forms)
        elif action == "cancel":
            services.complaint_cancel(actor=user, complaint=complaint,
                                      note=request.POST.get("note", ""))
            return redirect("complaints:detail", pk)
        elif action == "answer":
            inquiry = get_restricted(Inquiry.objects.select_related("complaint", "step"), user,
                                     pk=request.POST.get("inquiry"), complaint=complaint)
            form = AnswerForm(request.POST, prefix="answer")
            if form.is_valid():
                services.inquiry_answer(actor=user, inquiry=inquiry,
                                        answer=form.cleaned_data["answer"])
            return redirect("complaints:detail", pk)
        else:
            raise Http404
    except ValidationError as exc:
        target = next(iter(forms.values()), None)
        if target is not None:
            apply_errors(target, exc)
        else:
            messages.error(request, error_text(exc))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("complaints:detail", pk)
    complaint.refresh_from_db()
    return render(request, "complaints/detail.html", _context(request, complaint, **forms),
                  status=400)


def _responsibility(request, complaint, forms):
    departments, people = departments_with_people()
    form = ResponsibilityForm(request.POST, prefix="resp", departments=departments, people=people)
    forms["resp_form"] = form
    if not form.is_valid():
        raise ValidationError(_("Check the lines."))
    by_dept = {str(d.pk): d for d in departments}
    by_person = {str(u.pk): u for u in people}
    lines = []
    data = form.cleaned_data
    for i in range(ResponsibilityForm.LINES):
        if not data.get(f"department_{i}"):
            continue
        lines.append({"department": by_dept.get(data[f"department_{i}"]),
                      "person": by_person.get(data.get(f"person_{i}") or ""),
                      "ratio": data.get(f"ratio_{i}"),
                      "grade": data.get(f"grade_{i}") or Grade.NONE})
    services.responsibility_set(actor=request.user, complaint=complaint, lines=lines,
                                loss_actual=data.get("loss_actual"),
                                loss_resale=data.get("loss_resale"),
                                resold_on=data.get("resold_on"))
    messages.success(request, _("Responsibility saved."))
    return redirect("complaints:detail", complaint.pk)


@require_GET
@desk_required
def complaint_print(request, pk: int):
    """客戶抱怨處理表, one part per copy (QA, manufacturing, sales, accounting, GM office);
    never the internal form, never for the customer (CP-9)."""
    complaint = _get(request, pk)
    copies = [_("1 · Quality assurance"), _("2 · Manufacturing"), _("3 · Sales"),
              _("4 · Accounting"), _("5 · GM office")]
    return render(request, "complaints/print.html", {
        "c": complaint, "copies": copies,
        "steps": list(complaint.steps.select_related("department", "done_by"))})


@require_GET
@desk_required
def complaint_aid(request, pk: int):
    """CP-16: the handling method step by step, and the negotiation options with their cost."""
    from ..aid import STEPS, options_for

    complaint = _get(request, pk)
    return render(request, "complaints/aid.html", {"c": complaint, "steps": STEPS,
                                                   "options": options_for(complaint)})


@require_POST
@staff_required
def complaint_from_case(request, case_pk: int):
    """FB-4: hand a follow-up case over into a complaint (the button on the case page)."""
    from aftersales.feedback.models import FollowUpCase

    case = get_restricted(FollowUpCase.objects.select_related(
        "request__installed_product", "customer", "service_centre"), request.user, pk=case_pk)
    kind = request.POST.get("kind") or "non_quality"
    try:
        complaint = services.complaint_from_case(actor=request.user, case=case, kind=kind)
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("feedback:case", case.pk)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("feedback:case", case.pk)
    messages.success(request, _("Complaint %(number)s registered from the case.")
                     % {"number": complaint.number})
    return redirect("complaints:detail", complaint.pk)

