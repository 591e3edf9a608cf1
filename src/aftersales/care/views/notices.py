"""Product notices (CR-1 "product improvements"): the list, writing one, its page with the
owners it reaches and a preview, sending it (now, or scheduled for later), and the sending's
progress."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.events import event_list
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, service_run, service_value

from .. import defaults, services
from ..audience import notice_customers
from ..choices import NoticeState, Occasion
from ..forms import NoticeScheduleForm, ProductNoticeForm
from ..models import CareMessage, ProductNotice, may_notify, may_write_notices

RECENT_MESSAGES = 20


@require_GET
@desk_required
def notice_list(request):
    rows = (ProductNotice.objects.restrict(request.user)
            .select_related("product_model", "service_centre", "created_by")
            .order_by("-created_at", "-id"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/notices/list.html", {
        "page": page, "may_write": may_write_notices(request.user)})


def _form_page(request, notice=None):
    if not may_write_notices(request.user):
        raise PermissionDenied()
    initial = {} if notice is None else {
        "product_model": notice.product_model_id, "service_centre": notice.service_centre_id,
        "purchased_from": notice.purchased_from, "purchased_to": notice.purchased_to,
        "subject": notice.subject, "text": notice.text}
    form = ProductNoticeForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        done, saved = service_value(request, lambda: services.product_notice_save(
            actor=request.user, notice=notice,
            expected_version=notice.version if notice else None, **form.cleaned_data), form=form)
        if done:
            return redirect("care:notice", saved.pk)
    return render(request, "care/notices/form.html", {"form": form, "notice": notice},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@desk_required
def notice_new(request):
    return _form_page(request)


@require_http_methods(["GET", "POST"])
@desk_required
def notice_edit(request, pk: int):
    notice = get_restricted(ProductNotice.objects.all(), request.user, "change", pk=pk)
    if notice.state != NoticeState.DRAFT:
        return redirect("care:notice", notice.pk)
    return _form_page(request, notice)


@require_GET
@desk_required
def notice_detail(request, pk: int):
    notice = get_restricted(ProductNotice.objects.select_related(
        "product_model", "service_centre", "created_by", "sent_by"), request.user, pk=pk)
    context = {"notice": notice, "may_write": may_notify(request.user, notice.service_centre_id)}
    if notice.state in (NoticeState.DRAFT, NoticeState.SCHEDULED):
        context["audience"] = notice_customers(notice).count()
        preview = services.product_notice_preview(notice)
        if preview is not None:
            context["preview_to"], context["preview"] = preview
    if notice.state == NoticeState.DRAFT:
        now = timezone.localtime().replace(second=0, microsecond=0)
        context.update(schedule_form=NoticeScheduleForm(), schedule_min=now + timedelta(minutes=1),
                       schedule_max=now + timedelta(days=defaults.NOTICE_SCHEDULE_MAX_DAYS),
                       schedule_days=defaults.NOTICE_SCHEDULE_MAX_DAYS)
        last = event_list(notice).last()
        if last is not None and last.action == "unschedule" and last.actor_id is None:
            context["returned"] = last  # its time came and there was nobody to send it to
    context["messages_sent"] = list(
        CareMessage.objects.restrict(request.user)
        .filter(occasion=Occasion.PRODUCT_NOTICE, key=notice.key)
        .select_related("customer").order_by("-sent_at", "-id")[:RECENT_MESSAGES])
    if notice.state != NoticeState.DRAFT and context["messages_sent"]:
        latest = context["messages_sent"][0]  # what they read, as sent
        context["preview"] = (latest.subject, latest.text)
        context["preview_to"] = latest.customer
    return render(request, "care/notices/detail.html", context)


@require_POST
@desk_required
def notice_send(request, pk: int):
    notice = get_restricted(ProductNotice.objects.all(), request.user, "change", pk=pk)
    version = request.POST.get("version")
    service_run(request, lambda: services.product_notice_send(
        actor=request.user, notice=notice,
        expected_version=int(version) if (version or "").isdigit() else None))
    return redirect("care:notice", notice.pk)


def _version(request) -> int | None:
    version = request.POST.get("version")
    return int(version) if (version or "").isdigit() else None


@require_POST
@desk_required
def notice_schedule(request, pk: int):
    notice = get_restricted(ProductNotice.objects.all(), request.user, "change", pk=pk)
    form = NoticeScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors)))
        return redirect("care:notice", notice.pk)
    done, scheduled = service_value(request, lambda: services.product_notice_schedule(
        actor=request.user, notice=notice, scheduled_for=form.cleaned_data["scheduled_for"],
        expected_version=_version(request)))
    if done:
        at = timezone.localtime(scheduled.scheduled_for)
        messages.success(request, _("The notice will be sent on %(at)s.")
                         % {"at": at.strftime("%Y-%m-%d %H:%M")})
    return redirect("care:notice", notice.pk)


@require_POST
@desk_required
def notice_unschedule(request, pk: int):
    notice = get_restricted(ProductNotice.objects.all(), request.user, "change", pk=pk)
    if service_run(request, lambda: services.product_notice_unschedule(
            actor=request.user, notice=notice, expected_version=_version(request))):
        messages.success(request, _("The notice is a draft again: it will not be sent by "
                                    "itself."))
    return redirect("care:notice", notice.pk)


@require_GET
@desk_required
def notice_progress(request, pk: int):
    """The sending's progress, polled while the worker sends; done, the page reloads."""
    notice = get_restricted(ProductNotice.objects.all(), request.user, pk=pk)
    if notice.state != NoticeState.SENDING and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "care/notices/_progress.html", {"notice": notice})
