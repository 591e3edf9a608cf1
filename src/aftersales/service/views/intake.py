"""The intake screen (SR-1, SR-4): find or register the caller and the product, describe the
problem, see the terms at once, register the call. htmx partials come from the same module."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import trigger_client_event

from aftersales.accounts.permissions import desk_required
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.customers.models import Customer, InstalledProduct
from aftersales.customers.selectors import customer_list
from aftersales.customers.services import customer_create, installed_product_register

from .. import selectors
from ..choices import Kind
from ..forms import NEW, NONE, IntakeForm, NewCustomerForm, NewProductForm, RepairedFirstForm
from ..services import (
    may_record_repaired_first,
    service_request_create,
    service_request_create_repaired_first,
)

MIN_PHONE_DIGITS = 4
MAX_MATCHES = 8
CUSTOMER_FIELDS = ("name", "address", "region_kind", "kind")


class _Abort(Exception):
    """A service refused one step; its errors are already on the forms."""


# --- helpers that resolve what the agent has chosen so far ------------------------------------

def _customer(user, value):
    if value and str(value).isdigit():
        return Customer.objects.restrict(user, "view").filter(pk=int(value)).first()
    return None


def _products(customer):
    if customer is None:
        return []
    return list(customer.products.select_related("model").order_by("-purchased_on", "id"))


def _matches(user, phone: str):
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return list(customer_list(user=user, phone=phone).order_by("name", "id")[:MAX_MATCHES])


def _customer_state(user, data, *, keep_chosen: bool = True) -> dict:
    """The customer area: matches for the phone typed and which one is chosen.

    ``keep_chosen``: a customer chosen earlier stays listed even if the phone box does not
    match him (a page opened for a customer, or re-shown after an error); while the agent is
    typing a number it is False, so that a refined number drops an earlier match."""
    phone = (data.get("phone") or "").strip()
    matches = _matches(user, phone)
    chosen = (data.get("customer") or "").strip()
    if chosen.isdigit() and keep_chosen:
        customer = _customer(user, chosen)
        if customer is not None and customer not in (matches or []):
            matches = [customer, *(matches or [])][:MAX_MATCHES]
    valid = {NEW, *(str(c.pk) for c in matches or [])}
    if chosen not in valid:
        if matches is None:
            chosen = ""
        else:
            chosen = str(matches[0].pk) if len(matches) == 1 else (NEW if not matches else "")
    initial = {name: data.get(f"c-{name}") for name in CUSTOMER_FIELDS if data.get(f"c-{name}")}
    return {
        "phone": phone,
        "matches": matches,
        "chosen_customer": chosen,
        "cust_form": NewCustomerForm(prefix="c", initial=initial),
    }


def _product_state(user, customer_value: str, data, chosen: str | None = None) -> dict:
    """The product area: the chosen customer's products and which one is chosen."""
    customer = _customer(user, customer_value)
    products = _products(customer)
    valid = {NONE, NEW, *(str(p.pk) for p in products)} if customer_value else set()
    if chosen not in valid:
        # first time this customer's products are shown: preselect the obvious choice
        if not customer_value:
            chosen = ""
        else:
            chosen = str(products[0].pk) if len(products) == 1 else (NEW if not products else "")
    initial = {k: data.get(f"p-{k}") for k in ("model", "serial", "purchased_on", "installed_on")
               if data.get(f"p-{k}")}
    return {
        "customer_value": customer_value,
        "product_customer": customer,
        "products": products,
        "chosen_product": chosen,
        "prod_form": NewProductForm(prefix="p", initial=initial),
    }


def _preview(user, data):
    """The terms preview for what is on the screen now, or None if nothing is chosen yet."""
    customer_value = (data.get("customer") or "").strip()
    product_value = (data.get("installed_product") or "").strip()
    if not customer_value:
        return None
    customer = _customer(user, customer_value)
    if product_value == NEW:
        form = NewProductForm(data, prefix="p")
        form.is_valid()
        product = form.unsaved_product(customer)
        if product is None:
            return None
    elif product_value.isdigit():
        product = (InstalledProduct.objects.restrict(user, "view").select_related("model")
                   .filter(pk=int(product_value)).first())
        if product is None:
            return None
    elif product_value == NONE:
        product = None
    else:
        return None
    cause = data.get("cause") or ""
    return selectors.intake_terms(user=user, customer=customer, product=product, cause=cause)


def _repaired_first_form(user, data=None) -> RepairedFirstForm | None:
    """The "sent before the paperwork" part (DS-6), for who may record it; None for others."""
    if not may_record_repaired_first(user):
        return None
    technicians = selectors.centre_technicians(centre=user.service_centre)
    return RepairedFirstForm(data, prefix="r", technicians=technicians)


# --- pages and partials -----------------------------------------------------------------------

@desk_required
def intake(request):
    user = request.user
    if request.method == "POST":
        return _intake_post(request)
    data = request.GET.copy()
    prefill = _customer(user, data.get("customer"))
    if prefill is not None and not data.get("phone"):
        data["phone"] = prefill.phone_display
    form = IntakeForm(user=user, initial={"phone": data.get("phone", "")})
    return _render(request, form, data, focus="description" if prefill else "phone")


def _render(request, form, data, *, cust_form=None, prod_form=None, repaired_form=None,
            status=200, focus="phone"):
    user = request.user
    customer_state = _customer_state(user, data)
    product_state = _product_state(user, customer_state["chosen_customer"], data,
                                   chosen=data.get("installed_product"))
    if cust_form is not None:
        customer_state["cust_form"] = cust_form
    if prod_form is not None:
        product_state["prod_form"] = prod_form
    preview_data = data.copy()
    preview_data["customer"] = customer_state["chosen_customer"]
    preview_data["installed_product"] = product_state["chosen_product"]
    context = {
        "form": form,
        **customer_state,
        **product_state,
        "preview": _preview(user, preview_data),
        "focus": focus,
        "repaired_form": repaired_form or _repaired_first_form(user),
    }
    return render(request, "service/intake/page.html", context, status=status)


def _intake_post(request):
    user = request.user
    data = request.POST
    form = IntakeForm(data, user=user)
    cust_form = NewCustomerForm(data, prefix="c")
    prod_form = NewProductForm(data, prefix="p")
    valid = form.is_valid()
    if data.get("customer") == NEW:
        valid = cust_form.is_valid() and valid
    if data.get("installed_product") == NEW:
        valid = prod_form.is_valid() and valid
    repaired_form = _repaired_first_form(user, data)
    repaired = repaired_form is not None and bool(data.get("r-on"))
    if repaired:
        valid = repaired_form.is_valid() and valid
    if valid:
        try:
            with transaction.atomic():
                service_request = _register(user, form, cust_form, prod_form,
                                            repaired_form if repaired else None)
        except _Abort:
            pass
        else:
            messages.success(request, _("Request %(number)s registered.")
                             % {"number": service_request.number})
            return redirect("service:detail", pk=service_request.pk)
    return _render(request, form, data, status=400, focus="",
                   cust_form=cust_form if data.get("customer") == NEW else None,
                   prod_form=prod_form if data.get("installed_product") == NEW else None,
                   repaired_form=repaired_form)


def _step(call, form, *, rename=None, routes=None):
    """Run one service call; put its errors on ``form`` (or the form ``routes`` names)."""
    try:
        return call()
    except ValidationError as exc:
        if routes and hasattr(exc, "error_dict"):
            for field, target in routes.items():
                if field in exc.error_dict:
                    apply_errors(target, ValidationError({field: exc.error_dict.pop(field)}))
            if not exc.error_dict:
                raise _Abort from None
        apply_errors(form, exc, rename=rename)
        raise _Abort from None
    except (ConflictError, PermissionDenied) as exc:
        form.add_error(None, str(exc.message))
        raise _Abort from None


def _register(user, form, cust_form, prod_form, repaired_form=None):
    data = form.cleaned_data
    customer = data["customer"]
    if customer == NEW:
        customer = _step(
            lambda: customer_create(actor=user, phone=data["phone"],
                                    service_centre=user.service_centre, **cust_form.cleaned_data),
            cust_form, routes={"phone": form},
        )
    product = data["installed_product"]
    if product == NEW:
        product = _step(
            lambda: installed_product_register(actor=user, customer=customer,
                                               **prod_form.cleaned_data),
            prod_form,
        )
    registration = dict(
        actor=user, customer=customer, installed_product=product, channel=data["channel"],
        description=data["description"], cause=data["cause"],
        customer_agreed=data["customer_agreed"], kind=data.get("kind") or Kind.REPAIR)
    if repaired_form is not None:
        sent = repaired_form.cleaned_data
        return _step(
            lambda: service_request_create_repaired_first(
                technician=sent["technician"], arrived_at=sent["arrived_at"],
                reason=sent["repaired_first"], reported_at=sent["reported_at"], **registration),
            form, routes={name: repaired_form for name in
                          ("reported_at", "technician", "arrived_at", "repaired_first")})
    return _step(lambda: service_request_create(urgency=data["urgency"], **registration), form)


@desk_required
def intake_customers(request):
    """htmx: the customers whose phone matches what the agent typed (and their products)."""
    data = request.GET
    state = _customer_state(request.user, data, keep_chosen=False)
    previous = (data.get("customer") or "").strip()
    context = {**state}
    if state["chosen_customer"] != previous:
        context["product_oob"] = True
        context.update(_product_state(request.user, state["chosen_customer"], {}))
    response = render(request, "service/intake/_customers.html", context)
    return trigger_client_event(response, "terms-refresh", after="settle")


@desk_required
def intake_products(request):
    """htmx: the chosen customer's products, to pick one or register a new one."""
    customer_value = (request.GET.get("customer") or "").strip()
    state = _product_state(request.user, customer_value, {})
    response = render(request, "service/intake/_products.html", state)
    return trigger_client_event(response, "terms-refresh", after="settle")


@desk_required
def intake_terms(request):
    """htmx: warranty, phase, category, chargeability and rough charge for the current choice."""
    preview = _preview(request.user, request.GET)
    return render(request, "service/intake/_terms.html", {"preview": preview})
