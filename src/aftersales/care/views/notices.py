"""Product notices (CR-1 "product improvements"): the list, writing one, its page with the
owners it reaches and a preview, sending it, and the sending's progress."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, service_run

from .. import services
from ..audience import notice_customers
from ..choices import NoticeState, Occasion
from ..forms import ProductNoticeForm
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
        saved = {}

        def call():
            saved["notice"] = services.product_notice_save(
                actor=request.user, notice=notice,
                expected_version=notice.version if notice else None, **form.cleaned_data)

        if service_run(request, call, form=form):
            return redirect("care:notice", saved["notice"].pk)
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
    if notice.state == NoticeState.DRAFT:
        context["audience"] = notice_customers(notice).count()
        preview = services.product_notice_preview(notice)
        if preview is not None:
            context["preview_to"], context["preview"] = preview
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
