"""User seminars (CR-3): the list, planning one, its page (guests and their answers, invitations,
who came, what was said), the sign-in sheet to print and the guest list in Excel."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.events import event_list
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.forms import error_text
from aftersales.core.models import Event
from aftersales.core.querysets import get_restricted
from aftersales.core.validators import phone_display
from aftersales.core.views import PAGE_SIZE, page_query, service_run, service_value

from .. import services
from ..audience import seminar_audience
from ..choices import SeminarState
from ..forms import (
    GuestAnswerForm,
    SeminarCancelForm,
    SeminarForm,
    SeminarHoldForm,
    SeminarInviteForm,
    SeminarSummaryForm,
)
from ..models import Seminar, SeminarGuest
from ..selectors import seminar_guests, seminar_list

STATE_FILTERS = ["planned", "held", "cancelled", "all"]
EVENT_LABELS = {
    "seminar_plan": pgettext_lazy("seminar event", "Planned"),
    "seminar_update": gettext_lazy("Changed"),
    "hold": pgettext_lazy("seminar", "Recorded as held"),
    "cancel": pgettext_lazy("seminar", "Cancelled"),
    "summary_save": gettext_lazy("What was said written down"),
    "invite": pgettext_lazy("guest", "Invited"),
    "confirm": pgettext_lazy("guest", "Will come"),
    "decline": pgettext_lazy("guest", "Declined"),
    "attend": pgettext_lazy("guest", "Came"),
    "miss": pgettext_lazy("guest", "Did not come"),
    "walk_in": gettext_lazy("Came without an invitation"),
}


def _seminar(request, pk: int, action: str = "view") -> Seminar:
    return get_restricted(Seminar.objects.select_related("host", "service_centre", "created_by"),
                          request.user, action, pk=pk)


@require_GET
@staff_required
def seminar_list_view(request):
    state = request.GET.get("state") or "planned"
    if state not in STATE_FILTERS:
        state = "planned"
    q = (request.GET.get("q") or "").strip()
    rows = seminar_list(user=request.user, state="" if state == "all" else state, q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/seminars/list.html", {
        "page": page, "state": state, "filters": STATE_FILTERS, "q": q,
        "query": page_query(request), "may_plan": services.may_plan_any(request.user)})


def _form_page(request, seminar=None):
    initial = {} if seminar is None else {
        "title": seminar.title, "kind": seminar.kind,
        "starts_at": timezone.localtime(seminar.starts_at), "place": seminar.place,
        "service_centre": seminar.service_centre_id, "host": seminar.host_id,
        "capacity": seminar.capacity, "agenda": seminar.agenda}
    form = SeminarForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        done, saved = service_value(request, lambda: services.seminar_save(
            actor=request.user, seminar=seminar,
            expected_version=seminar.version if seminar else None, **form.cleaned_data),
            form=form)
        if done:
            return redirect("care:seminar", saved.pk)
    return render(request, "care/seminars/form.html", {"form": form, "seminar": seminar},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@staff_required
def seminar_new(request):
    if not services.may_plan_any(request.user):
        raise PermissionDenied()
    return _form_page(request)


@require_http_methods(["GET", "POST"])
@staff_required
def seminar_edit(request, pk: int):
    seminar = _seminar(request, pk, "change")
    if seminar.state != SeminarState.PLANNED:
        return redirect("care:seminar", seminar.pk)
    return _form_page(request, seminar)


def _timeline(seminar: Seminar, guests) -> list:
    """The seminar's events and its guests', oldest first, each with its label."""
    names = {g.pk: g.customer.name for g in guests}
    guest_type = ContentType.objects.get_for_model(SeminarGuest)
    guest_events = Event.objects.filter(content_type=guest_type, object_id__in=list(names))
    events = sorted([*event_list(seminar), *guest_events.select_related("actor")],
                    key=lambda e: (e.at, e.pk))
    for event in events:
        label = str(EVENT_LABELS.get(event.action, event.action))
        event.label = (f"{names[event.object_id]}: {label}"
                       if event.content_type_id == guest_type.pk else label)
    return events


@require_GET
@staff_required
def seminar_detail(request, pk: int):
    return _detail_page(request, pk)


def _detail_page(request, pk: int, *, hold_form=None, invite_form=None):
    """The seminar's page; with a form that failed, that form with its errors (400)."""
    seminar = _seminar(request, pk)
    guests = seminar_guests(seminar)
    user = request.user
    invited = services.invitations_sent(seminar)
    for guest in guests:
        guest.told = guest.customer_id in invited
    begun = seminar.starts_at <= timezone.now()
    planned = seminar.state == SeminarState.PLANNED
    counts = {status: sum(1 for g in guests if g.status == status)
              for status in ("invited", "confirmed", "declined", "attended", "absent")}
    return render(request, "care/seminars/detail.html", {
        "seminar": seminar, "guests": guests, "counts": counts, "begun": begun,
        "seats_left": (None if seminar.capacity is None
                       else max(0, seminar.capacity - counts["confirmed"])),
        "may_plan": services.may_plan(user, seminar.service_centre_id),
        "may_host": services.may_host(user, seminar),
        "may_invite": services.may_invite(user, seminar) and planned and not begun,
        "untold": sum(1 for g in guests if not g.told and g.status in ("invited", "confirmed")),
        "invite_form": invite_form or SeminarInviteForm(),
        "hold_form": hold_form or SeminarHoldForm(),
        # ticked on the attendance form: those who said they would come, or what was sent
        "checked": ({int(v) for v in hold_form.data.getlist("attended") if v.isdigit()}
                    if hold_form else {g.pk for g in guests if g.status == "confirmed"}),
        "summary_form": SeminarSummaryForm(initial={"summary": seminar.summary}),
        "cancel_form": SeminarCancelForm(),
        "referrals": seminar.referrals.select_related("referrer", "centre", "referred"),
        "timeline": _timeline(seminar, guests)},
        status=400 if (hold_form or invite_form) else 200)


@require_POST
@staff_required
def seminar_invite(request, pk: int):
    seminar = _seminar(request, pk)
    form = SeminarInviteForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, pk, invite_form=form)
    data = form.cleaned_data
    customers = [*data["phones"], *seminar_audience(
        seminar, key_accounts=data["key_accounts"], product_model=data["product_model"])]
    done, counts = service_value(request, lambda: services.seminar_invite(
        actor=request.user, seminar=seminar, customers=customers, send=data["send"]),
        form=form)
    if not done:
        return _detail_page(request, pk, invite_form=form)
    messages.success(request, _("%(added)s invited (%(already)s were already), %(sent)s "
                                "invitations sent.") % counts)
    return redirect("care:seminar", seminar.pk)


@require_POST
@staff_required
def seminar_invitations_send(request, pk: int):
    seminar = _seminar(request, pk)
    done, sent = service_value(request, lambda: services.seminar_invitations_send(
        actor=request.user, seminar=seminar))
    if done:
        messages.success(request, _("%(sent)s invitations sent.") % {"sent": sent})
    return redirect("care:seminar", seminar.pk)


def _to_guest(guest: SeminarGuest):
    return redirect(f"{reverse('care:seminar', args=[guest.seminar_id])}#guest-{guest.pk}")


def _guest(request, pk: int) -> SeminarGuest:
    return get_restricted(SeminarGuest.objects.select_related("seminar", "customer"),
                          request.user, pk=pk)


@require_POST
@staff_required
def guest_answer(request, pk: int):
    guest = _guest(request, pk)
    form = GuestAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
    elif service_run(request, lambda: services.guest_answer(
            actor=request.user, guest=guest, **form.cleaned_data)):
        messages.success(request, _("%(customer)s: answer noted.")
                         % {"customer": guest.customer.name})
    return _to_guest(guest)


@require_POST
@staff_required
def guest_attendance(request, pk: int):
    guest = _guest(request, pk)
    if service_run(request, lambda: services.guest_attendance_correct(
            actor=request.user, guest=guest, attended=request.POST.get("attended") == "1")):
        messages.success(request, _("%(customer)s: attendance corrected.")
                         % {"customer": guest.customer.name})
    return _to_guest(guest)


@require_POST
@staff_required
def seminar_hold(request, pk: int):
    seminar = _seminar(request, pk)
    form = SeminarHoldForm(request.POST, guests=seminar_guests(seminar))
    if not form.is_valid():
        return _detail_page(request, pk, hold_form=form)
    done, _held = service_value(request, lambda: services.seminar_hold(
        actor=request.user, seminar=seminar, attended=form.cleaned_data["attended"],
        walk_ins=form.cleaned_data["walk_ins"], summary=form.cleaned_data["summary"]),
        form=form)
    if not done:
        return _detail_page(request, pk, hold_form=form)
    messages.success(request, _("The seminar is recorded as held."))
    return redirect("care:seminar", seminar.pk)


@require_POST
@staff_required
def seminar_summary(request, pk: int):
    seminar = _seminar(request, pk)
    form = SeminarSummaryForm(request.POST)
    if form.is_valid() and service_run(request, lambda: services.seminar_summary_save(
            actor=request.user, seminar=seminar, summary=form.cleaned_data["summary"])):
        messages.success(request, _("Saved."))
    return redirect("care:seminar", seminar.pk)


@require_POST
@staff_required
def seminar_cancel(request, pk: int):
    seminar = _seminar(request, pk)
    form = SeminarCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect("care:seminar", seminar.pk)
    done, result = service_value(request, lambda: services.seminar_cancel(
        actor=request.user, seminar=seminar, reason=form.cleaned_data["reason"]))
    if done:
        messages.success(request, _("The seminar is cancelled; %(sent)s invited customers were "
                                    "told.") % {"sent": result[1]})
    return redirect("care:seminar", seminar.pk)


@require_GET
@staff_required
def seminar_sign_in(request, pk: int):
    """The sign-in sheet to print (签到表): those expected first, room for walk-ins."""
    seminar = _seminar(request, pk)
    guests = [g for g in seminar_guests(seminar) if g.status != "declined"]
    return render(request, "care/seminars/sign_in.html", {
        "seminar": seminar, "guests": guests, "blank_rows": range(8),
        "back_url": reverse("care:seminar", args=[seminar.pk])})


@require_GET
@staff_required
def seminar_export(request, pk: int):
    """The guest list in Excel: who was invited, his answer, whether he came."""
    seminar = _seminar(request, pk)
    workbook = workbook_new(title=seminar.title)
    sheet = sheet_add(workbook, _("Guests"))
    row_append(sheet, [_("Customer"), _("Phone"), _("Address"), _("Status"),
                       _("Came uninvited"), _("What he said"), _("Invited by")])
    for guest in seminar_guests(seminar):
        row_append(sheet, [guest.customer.name, phone_display(guest.customer.phone),
                           guest.customer.address, guest.get_status_display(),
                           _("yes") if guest.walk_in else "", guest.note,
                           str(guest.invited_by or "")])
    day = timezone.localtime(seminar.starts_at).strftime("%Y%m%d")
    return xlsx_response(workbook, f"seminar-{seminar.pk}-{day}.xlsx")
