"""The customer archive pages (AR-1, AR-2, AR-6): search, a customer's page, create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import desk_required
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import apply_errors
from aftersales.core.plans import plans_for_values
from aftersales.core.querysets import get_restricted
from aftersales.core.views import PAGE_SIZE, page_query

from .filtersets import CustomerFilterSet
from .forms import CustomerEditForm, CustomerForm
from .models import Customer, MaintenanceContract
from .services import customer_create, customer_update

FORM_FIELDS = ("name", "phone", "phone_alt", "email", "address", "region_kind", "kind", "birthday",
               "language")


@desk_required
@plans_for_values()
def customer_list(request):
    filterset = CustomerFilterSet(request.GET or None,
                                  queryset=Customer.objects.restrict(request.user, "view"),
                                  request=request)
    queryset = filterset.qs.annotate(product_count=Count("products", distinct=True))
    page = Paginator(queryset.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = page_query(request)
    return render(request, "customers/list.html", {
        "filterset": filterset, "form": filterset.form, "page": page, "query": query,
        "filtered": bool(query),
    })


@desk_required
def customer_detail(request, pk: int):
    customer = get_restricted(Customer.objects.select_related("service_centre", "referred_by"),
                              request.user, pk=pk)
    products = list(customer.products.select_related("model", "dealer")
                    .order_by("-purchased_on", "id"))
    contracts = (MaintenanceContract.objects.restrict(request.user, "view")
                 .filter(customer=customer).prefetch_related("products__model"))
    return render(request, "customers/detail.html", {
        "customer": customer,
        "products": products,
        "contracts": list(contracts),
    })


def _initial(customer: Customer) -> dict:
    initial = {name: getattr(customer, name) for name in FORM_FIELDS}
    initial["phone"] = customer.phone_display
    if customer.phone_alt:
        from aftersales.core.validators import phone_display

        initial["phone_alt"] = phone_display(customer.phone_alt)
    initial["version"] = customer.version
    return initial


def _values(form) -> dict:
    data = {name: form.cleaned_data[name] for name in FORM_FIELDS}
    data["phone_alt"] = data["phone_alt"] or ""
    return data


@desk_required
def customer_edit(request, pk: int):
    customer = get_restricted(Customer.objects.all(), request.user, "change", pk=pk)
    status = 200
    if request.method == "POST":
        form = CustomerEditForm(request.POST)
        if form.is_valid():
            try:
                customer_update(actor=request.user, customer=customer,
                                expected_version=form.cleaned_data["version"], **_values(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            except ConflictError as exc:
                messages.error(request, str(exc.message))
                status = 409
            except PermissionDenied as exc:
                messages.error(request, str(exc.message))
                status = 403
            else:
                messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
                return redirect("customers:detail", pk=customer.pk)
        if status == 200:
            status = 400
    else:
        form = CustomerEditForm(initial=_initial(customer))
    return render(request, "customers/form.html",
                  {"form": form, "customer": customer, "stale": status == 409}, status=status)


@desk_required
def customer_new(request):
    status = 200
    if request.method == "POST":
        form = CustomerForm(request.POST)
        if form.is_valid():
            try:
                customer = customer_create(actor=request.user,
                                           service_centre=request.user.service_centre,
                                           **_values(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Customer %(name)s registered.")
                                 % {"name": customer.name})
                return redirect("customers:detail", pk=customer.pk)
        status = 400
    else:
        form = CustomerForm(initial={"phone": request.GET.get("phone", "")})
    return render(request, "customers/form.html", {"form": form, "customer": None},
                  status=status)
