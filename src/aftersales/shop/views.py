"""The shop desk's pages: cases, orders, a case along its path, ready answers, metrics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.permissions import desk_required
from aftersales.core.attachments import attachment_list
from aftersales.core.events import event_list
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import DateTimeField, apply_errors, error_text, form_error_text
from aftersales.core.pagination import CappedPaginator
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query
from aftersales.core.workflow import state_label
from aftersales.invoicing.selectors import credit_notes_for
from aftersales.parts.models import Part

from . import selectors, services
from .choices import CaseKind, CaseState, Direction, Inspection, Language
from .forms import AnswerForm, CaseForm, OrderForm
from .models import Order, ReadyAnswer, Shop, ShopCase
from .rules import refund_compute, return_deadline
from .workflow import shop_case_workflow, steps_for

PAGE_SIZE = 25


def _page(request, rows):
    return CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _shop_filter(request):
    raw = request.GET.get("shop") or ""
    return Shop.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@require_GET
@desk_required
def home(request):
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in CaseKind.values else ""
    state = request.GET.get("state") if request.GET.get("state") in CaseState.values else ""
    shop = _shop_filter(request)
    open_only = not state and request.GET.get("all") != "1"
    cases = selectors.case_list(user=request.user, q=q, shop=shop, kind=kind, state=state,
                                open_only=open_only)
    return render(request, "shop/home.html", {
        "page": _page(request, cases), "query": page_query(request), "q": q, "kind": kind,
        "state": state, "shop": shop, "shops": Shop.objects.filter(active=True),
        "kinds": CaseKind.choices, "states": CaseState.choices, "open_only": open_only})


@require_GET
@desk_required
def order_list(request):
    q = (request.GET.get("q") or "").strip()
    shop = _shop_filter(request)
    orders = selectors.order_list(user=request.user, q=q, shop=shop)
    return render(request, "shop/orders.html", {
        "page": _page(request, orders), "query": page_query(request), "q": q, "shop": shop,
        "shops": Shop.objects.filter(active=True)})


@desk_required
def order_new(request):
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.order_create(
                actor=request.user, shop=d["shop"], number=d["number"],
                buyer_name=d["buyer_name"], buyer_phone=d["buyer_phone"],
                buyer_account=d["buyer_account"], address=d["address"],
                items=[{"sku": d["item_sku"], "name": d["item_name"],
                        "quantity": d["item_quantity"], "price": str(d["paid_amount"])}],
                paid_amount=d["paid_amount"], paid_at=d["paid_at"], shipped_at=d["shipped_at"],
                delivered_at=d["delivered_at"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Order %(number)s recorded.") % {"number": order.number})
            return redirect("shop:order", order.pk)
    return render(request, "shop/order_new.html", {"form": form})


@require_GET
@desk_required
def order_detail(request, pk: int):
    order = get_restricted(Order.objects.select_related("shop", "customer"), request.user, pk=pk)
    until = None
    if order.delivered_at:
        until = return_deadline(order.delivered_at) - timezone.timedelta(seconds=1)
    return render(request, "shop/order.html", {
        "order": order, "cases": order.cases.select_related("handler"), "form": CaseForm(),
        "return_until": until, "events": event_list(order)})


@require_POST
@desk_required
def case_new(request, pk: int):
    order = get_restricted(Order.objects.select_related("shop", "customer"), request.user, pk=pk)
    form = CaseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_open(actor=request.user, order=order, kind=d["kind"],
                                      reason=d["reason"], description=d["description"],
                                      goods_amount=d["goods_amount"], dispute=d["dispute"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            return redirect("shop:case", case.pk)
    else:
        messages.error(request, form_error_text(form))
    return redirect("shop:order", order.pk)


def _answers_for(case: ShopCase):
    language = (get_language() or "zh-hans").lower()
    language = language if language in Language.values else "zh-hans"
    rows = ReadyAnswer.objects.filter(active=True, kind=case.kind).order_by("title", "language")
    return [{"answer": a, "text": services.answer_render(a, case),
             "mine": a.language == language} for a in rows]


@require_GET
@desk_required
def case_detail(request, pk: int):
    case = get_restricted(ShopCase.objects.select_related(
        "order", "order__shop", "order__customer", "handler", "service_request"),
        request.user, pk=pk)
    preview = None
    if case.kind in (CaseKind.RETURN,) and case.state == CaseState.INSPECTED:
        preview = refund_compute(goods_amount=case.goods_amount, inspection=case.inspection,
                                 deduction=case.deduction, fee_payer=case.fee_payer,
                                 shipping_fee=case.shipping_fee)
    return render(request, "shop/case.html", {
        "case": case, "order": case.order, "steps": [t.name for t in steps_for(case, request.user)],
        "inspections": Inspection.choices, "preview": preview,
        "messages_log": case.messages.select_related("author"),
        "answers": _answers_for(case), "photos": attachment_list(case),
        "notes": credit_notes_for(case), "events": _timeline(case)})


ACTION_LABELS = {
    "open": gettext_lazy("Case opened"), "attachment_add": gettext_lazy("Photo added"),
    "message_in": gettext_lazy("Buyer's message"), "message_out": gettext_lazy("Answer sent"),
    "dispute_set": gettext_lazy("Escalated to the platform"),
    "dispute_clear": gettext_lazy("Platform dispute closed"),
}


def _timeline(case):
    rows = []
    for event in event_list(case):
        if event.action in ACTION_LABELS:
            label = ACTION_LABELS[event.action]
        elif event.action in shop_case_workflow.transitions:
            label = shop_case_workflow.get(event.action).label
        else:
            label = event.action
        state = state_label(shop_case_workflow, event.to_state) if event.to_state else ""
        rows.append({"at": event.at, "label": label, "state": state, "actor": event.actor,
                     "note": event.note})
    return rows


def _step_call(step: str, request, case: ShopCase):
    p, actor = request.POST, request.user
    note = (p.get("note") or "").strip()
    photos = request.FILES.getlist("photos")
    calls = {
        "goods_expect": lambda: services.case_goods_expect(
            actor=actor, case=case, shipping_fee=p.get("shipping_fee") or "0",
            tracking=p.get("tracking", ""), note=note),
        "goods_receive": lambda: services.case_goods_receive(actor=actor, case=case,
                                                             photos=photos, note=note),
        "goods_inspect": lambda: services.case_goods_inspect(
            actor=actor, case=case, result=p.get("result", ""), note=note,
            deduction=p.get("deduction"), deduction_percent=p.get("deduction_percent"),
            photos=photos),
        "refund": lambda: services.case_refund(actor=actor, case=case, amount=p.get("amount"),
                                               note=note),
        "replacement_ship": lambda: services.case_replacement_ship(
            actor=actor, case=case, replacement=p.get("replacement", ""),
            part=_part_named(p.get("part", "")), tracking=p.get("tracking", ""), note=note),
        "discount_offer": lambda: services.case_discount_offer(actor=actor, case=case,
                                                               amount=p.get("amount"), note=note),
        "discount_accept": lambda: services.case_discount_answer(actor=actor, case=case,
                                                                 accepted=True, note=note),
        "discount_refuse": lambda: services.case_discount_answer(actor=actor, case=case,
                                                                 accepted=False, note=note),
        "transfer": lambda: services.case_transfer(actor=actor, case=case, description=note),
        "reject": lambda: services.case_reject(actor=actor, case=case, note=note),
        "close": lambda: services.case_close(actor=actor, case=case, note=note),
        "dispute": lambda: services.case_dispute_set(actor=actor, case=case,
                                                     dispute=p.get("dispute") == "1", note=note),
    }
    if step not in calls:
        raise Http404
    return calls[step]()


@require_POST
@desk_required
def case_step(request, pk: int, step: str):
    case = get_restricted(ShopCase.objects.select_related("order", "order__shop",
                                                          "order__customer"),
                          request.user, "change", pk=pk)
    try:
        _step_call(step, request, case)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("This step is not possible now."))
    return redirect("shop:case", case.pk)


@require_POST
@desk_required
def case_message(request, pk: int):
    case = get_restricted(ShopCase.objects.all(), request.user, "change", pk=pk)
    direction = request.POST.get("direction") or Direction.OUT
    when = DateTimeField(required=False)
    try:
        at = when.clean(request.POST.get("at") or None)
        services.message_add(actor=request.user, case=case, direction=direction,
                             body=request.POST.get("body", ""), at=at)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("shop:case", args=[case.pk]) + "#messages")


@require_GET
@desk_required
def answer_list(request):
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in CaseKind.values else ""
    language = request.GET.get("language") if request.GET.get("language") in Language.values else ""
    rows = ReadyAnswer.objects.restrict(request.user)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if language:
        rows = rows.filter(language=language)
    return render(request, "shop/answers.html", {
        "page": _page(request, rows), "query": page_query(request), "q": q, "kind": kind,
        "language": language, "kinds": CaseKind.choices, "languages": Language.choices})


@desk_required
def answer_edit(request, pk: int | None = None):
    answer = get_object_or_404(ReadyAnswer.objects.restrict(request.user), pk=pk) if pk else None
    initial = ({"kind": answer.kind, "language": answer.language, "title": answer.title,
                "body": answer.body, "active": answer.active} if answer else None)
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_save(actor=request.user, answer=answer, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Ready answer saved."))
            return redirect("shop:answers")
    return render(request, "shop/answer_edit.html", {"form": form, "answer": answer})


from .views_metrics import metrics, metrics_excel  # noqa: E402,F401


def _part_named(code: str):
    """The catalogue part a replacement is, by its code (blank: not a catalogue part)."""
    code = (code or "").strip()
    if not code:
        return None
    part = Part.objects.filter(code=code).first()
    if part is None:
        raise ValidationError({"part": [_("No part has the code %(code)s.") % {"code": code}]})
    return part
