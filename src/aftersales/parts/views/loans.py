"""Loan pages (PT-3): the list (out / overdue / returned), the lend form that says what is not a
loan, and bringing a loan back."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.permissions import staff_required
from aftersales.core.dates import local_today
from aftersales.core.excel import row_append, sheet_add, workbook_new, xlsx_response
from aftersales.core.exceptions import PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.querysets import get_restricted
from aftersales.core.views import page_query, service_run
from aftersales.customers.models import Customer

from ..models import Loan, LoanStatus, Part, Warehouse
from ..selectors_loans import loans_out_by_borrower
from ..services import loans as services

FILTERS = {
    "out": gettext_lazy("lent out"),
    "overdue": gettext_lazy("overdue"),
    "returned": gettext_lazy("returned"),
    "kept": gettext_lazy("kept (charged)"),
    "all": gettext_lazy("all"),
}
EXPORT_LIMIT = 50_000
# dealers sit above parts (docs/architecture.md): their model is reached through the loan's FK
Dealer = Loan._meta.get_field("dealer").related_model

# PT-3: what is handed out but never lent (and so never listed or chased as a loan)
NOT_LOANS = [gettext_lazy("gifts"), gettext_lazy("office supplies"), gettext_lazy("brochures"),
             gettext_lazy("parts already charged to the customer"),
             gettext_lazy("items given out on a special approval")]


def _listed(request) -> dict:
    """The loans the list's filters ask for (the page and its Excel read the same query string):
    the status (out by default), part of the number, a part's code, the borrower's name or a
    customer's phone."""
    status = request.GET.get("status") or "out"
    if status not in FILTERS:
        status = "out"
    today = local_today()
    rows = (Loan.objects.restrict(request.user)
            .select_related("part", "warehouse", "customer", "dealer", "lent_by"))
    if status == "out":
        rows = rows.filter(status=LoanStatus.OUT)
    elif status == "overdue":
        rows = rows.filter(status=LoanStatus.OUT, due_on__lt=today)
    elif status == "returned":
        rows = rows.filter(status=LoanStatus.RETURNED)
    elif status == "kept":
        rows = rows.filter(status=LoanStatus.KEPT)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(part__code__icontains=q)
                           | Q(customer__name__icontains=q) | Q(customer__phone=q)
                           | Q(dealer__name__icontains=q))
    return {"rows": rows.order_by("due_on", "id"), "status": status, "q": q, "today": today}


@require_GET
@staff_required
def loan_list(request):
    listed = _listed(request)
    page = Paginator(listed["rows"], 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.overdue = row.status == LoanStatus.OUT and row.due_on < listed["today"]
    return render(request, "parts/loans/list.html", {
        "page": page, "status": listed["status"], "filters": list(FILTERS.items()),
        "q": listed["q"], "query": page_query(request),
        "by_borrower": loans_out_by_borrower(Loan.objects.restrict(request.user))[:20]})


@require_GET
@staff_required
def loans_excel(request):
    """The filtered list as an Excel workbook (``core.excel``): what was lent to whom from where,
    when it was due and came back — and, kept, what was charged."""
    title = _("Loans")
    workbook = workbook_new(title=title, write_only=True)
    sheet = sheet_add(workbook, title)
    row_append(sheet, [_("Number"), _("Part"), pgettext("part", "Name"), _("Quantity"),
                       _("Borrower"), _("Lent from"), _("Lent by"), _("Due on"), _("Status"),
                       _("Returned at"), _("Counted as kept at"), _("Charge"), _("Note")])
    for loan in _listed(request)["rows"][:EXPORT_LIMIT]:
        row_append(sheet, [
            loan.number, loan.part.code, loan.part.name, loan.quantity, str(loan.borrower),
            loan.warehouse.name, str(loan.lent_by), loan.due_on, loan.get_status_display(),
            loan.returned_at, loan.kept_at, loan.charge_amount, loan.note])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, f"loans-{stamp}.xlsx")



def _places(user):
    return Warehouse.objects.restrict(user).filter(active=True).order_by("code")


@require_http_methods(["GET", "POST"])
@staff_required
def loan_new(request):
    """Lend a part or a spare unit to a customer (by phone) or a dealer."""
    user = request.user
    form = {"warehouse": "", "part": "", "quantity": "1", "borrower": "customer", "phone": "",
            "dealer": "", "due_on": "", "note": "", "confirm": False}
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        form.update({k: (post.get(k) or "").strip() for k in form if k != "confirm"})
        form["confirm"] = post.get("confirm") == "on"
        warehouse = _places(user).filter(pk=form["warehouse"]).first() \
            if form["warehouse"].isdigit() else None
        if warehouse is None:
            errors["warehouse"] = _("Choose the place it is lent from.")
        part = Part.objects.filter(code=form["part"], active=True).first()
        if part is None:
            errors["part"] = _("No part with the number “%(code)s”.") % {"code": form["part"]}
        customer = dealer = None
        if form["borrower"] == "dealer":
            dealer = Dealer.objects.restrict(user).filter(pk=form["dealer"]).first() \
                if form["dealer"].isdigit() else None
            if dealer is None:
                errors["dealer"] = _("Choose the dealer.")
        else:
            found = list(Customer.objects.restrict(user).filter(
                Q(phone=form["phone"]) | Q(phone_alt=form["phone"]))[:2]) if form["phone"] else []
            if not found:
                errors["phone"] = _("No customer with this phone number.")
            elif len(found) > 1:
                errors["phone"] = _("Several customers have this phone number; enter another "
                                    "phone number of the customer.")
            else:
                customer = found[0]
        due_on = None
        try:
            due_on = date.fromisoformat(form["due_on"])
        except ValueError:
            errors["due_on"] = _("Enter the date it is due back (YYYY-MM-DD).")
        if not form["confirm"]:
            errors["confirm"] = _("Confirm that this is a loan, not one of the items above.")
        if not errors:
            try:
                loan = services.loan_create(actor=user, warehouse=warehouse, part=part,
                                            quantity=form["quantity"], due_on=due_on,
                                            customer=customer, dealer=dealer, note=form["note"])
            except PermissionDenied as error:
                raise DjangoPermissionDenied(str(error.message or "")) from None
            except ValidationError as error:
                errors["form"] = error_text(error)
            else:
                messages.success(request, _("Loan %(number)s recorded.") % {"number": loan.number})
                return redirect("parts:loans")
    return render(request, "parts/loans/new.html", {
        "form": form, "errors": errors, "places": _places(user), "not_loans": NOT_LOANS,
        "dealers": Dealer.objects.restrict(user).order_by("name")},
        status=400 if errors else 200)


@require_POST
@staff_required
def loan_back(request, pk):
    loan = get_restricted(Loan.objects.all(), request.user, pk=pk)
    if service_run(request, lambda: services.loan_return(actor=request.user, loan=loan)):
        messages.success(request, _("Loan %(number)s returned.") % {"number": loan.number})
    return redirect("parts:loans")
