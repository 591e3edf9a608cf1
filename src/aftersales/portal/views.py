"""The customer portal's pages: thin views over portal.services and service.services."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.accounts.choices import Role
from aftersales.billing.selectors import charge_summary
from aftersales.care import services as care_services
from aftersales.care.models import SeminarGuest
from aftersales.care.selectors import invitations_open
from aftersales.core.dates import local_today
from aftersales.core.excel import xlsx_response
from aftersales.core.exceptions import ConflictError, PermissionDenied
from aftersales.core.forms import error_text
from aftersales.core.ratelimit import client_ip
from aftersales.core.views import safe_next
from aftersales.customers.models import Customer
from aftersales.invoicing.excel import statement_book
from aftersales.invoicing.forms import StatementForm
from aftersales.invoicing.models import Invoice
from aftersales.invoicing.selectors import customer_on_account
from aftersales.invoicing.statements import statement_file_name
from aftersales.service import services as service_services
from aftersales.service.choices import Status

from . import selectors, services
from .forms import CodeForm, DecisionForm, IdentifierForm, NewRequestForm

SESSION_IDENTIFIER = "portal_login_identifier"
SESSION_NEXT = "portal_login_next"
PAGE_SIZE = 20


def _is_customer(user) -> bool:
    return user.is_authenticated and user.role == Role.CUSTOMER


def portal_login_required(view):
    """Not signed in: to the portal's sign-in page, and back here afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        return view(request, *args, **kwargs)

    return wrapper


def customer_only(view):
    """Pages only a customer has (his list, reporting a problem); staff go to their start page."""

    @wraps(view)
    @portal_login_required
    def wrapper(request, *args, **kwargs):
        if not _is_customer(request.user):
            return redirect("web:home")
        return view(request, *args, **kwargs)

    return wrapper


def _customer_of(user) -> Customer | None:
    return Customer.objects.filter(user=user).first()


# --- signing in -------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if _is_customer(request.user) and request.method == "GET":
        return redirect(next_url or "portal:home")
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            services.login_code_request(identifier=identifier,
                                        ip=client_ip(request), next_url=next_url)
        except services.TooManyRequests as exc:
            form.add_error("identifier", exc.message)
        else:
            # The same answer whether or not the identifier is a customer's.
            request.session[SESSION_IDENTIFIER] = identifier
            request.session[SESSION_NEXT] = next_url
            return redirect("portal:code")
    return render(request, "portal/login.html", {"form": form, "next": next_url})


def _finish_sign_in(request, sign_in: services.SignIn):
    next_url = request.session.get(SESSION_NEXT) or sign_in.next_url
    for key in (SESSION_IDENTIFIER, SESSION_NEXT):
        request.session.pop(key, None)
    auth_login(request, sign_in.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(safe_next(request, next_url) or "portal:home")


@never_cache
@require_http_methods(["GET", "POST"])
def code_view(request):
    identifier = request.session.get(SESSION_IDENTIFIER)
    if not identifier:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in = services.login_code_verify(identifier=identifier,
                                                 code=form.cleaned_data["code"])
        except services.LoginFailed as exc:
            form.add_error("code", exc.message)
        except ValidationError:
            return redirect("portal:login")
        else:
            return _finish_sign_in(request, sign_in)
    shown = identifier
    if not identifier.count("@"):
        from aftersales.core.validators import phone_display

        shown = phone_display(identifier)
    return render(request, "portal/code.html", {
        "form": form, "identifier": identifier, "shown": shown,
        "next": request.session.get(SESSION_NEXT, ""),
        "minutes": int(services.CODE_TTL.total_seconds() // 60),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def link_view(request, token):
    """GET asks to confirm (mail scanners open links); POST signs in."""
    error = ""
    if request.method == "POST":
        try:
            return _finish_sign_in(request, services.login_link_use(token=token))
        except services.LoginFailed as exc:
            error = exc.message
    elif not services.login_link_valid(token=token):
        error = _("This sign-in link has expired or has been used already. Ask for a new code.")
    return render(request, "portal/link.html", {"error": error}, status=400 if error else 200)


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("portal:login")


# --- his requests -----------------------------------------------------------------------------

@never_cache
@customer_only
def home(request):
    customer = _customer_of(request.user)
    show = request.GET.get("show") if request.GET.get("show") in {"open", "all"} else "all"
    requests = selectors.portal_request_list(user=request.user, show=show)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    open_count = selectors.portal_request_list(user=request.user, show="open").count()
    for item in page.object_list:
        item.plain_status = selectors.plain_status(item.status)
        item.upcoming = selectors.upcoming_visit(item)
    return render(request, "portal/home.html", {
        "customer": customer, "page": page, "show": show, "open_count": open_count,
        # Finished jobs are on the "all" tab, and so are their surveys.
        "pending_surveys": list(selectors.portal_pending_surveys(user=request.user)[:5])
        if show == "all" else [],
        "invitations": invitations_open(customer) if customer is not None else [],
        # what he paid in advance and has not been used yet (预收款)
        "on_account": customer_on_account(customer) if customer is not None else 0,
        # invoiced customers check what they owe on their statement of account
        "invoiced": customer is not None and Invoice.objects.filter(customer=customer).exists(),
    })


STAFF_PAGE = {Role.TECHNICIAN: "field:job"}


def _staff_page(user, sr) -> str | None:
    """Staff who scan a voucher's QR code go to their own page of the request."""
    try:
        return reverse(STAFF_PAGE.get(user.role, "service:detail"), args=[sr.pk])
    except NoReverseMatch:
        return None


@never_cache
@portal_login_required
def request_detail(request, number):
    sr = selectors.portal_request_get(user=request.user, number=number)
    if not _is_customer(request.user) and (staff_page := _staff_page(request.user, sr)):
        return redirect(staff_page)
    is_owner = _is_customer(request.user) and sr.customer.user_id == request.user.pk
    step = selectors.STEP_OF.get(sr.status)
    bill = charge_summary(sr)  # billing's sheet: the figures of the phone, desk and voucher
    quote_open = bill.quote is not None and bill.quote.is_open
    context = {
        "sr": sr,
        "plain_status": selectors.plain_status(sr.status),
        "steps": [{"label": label, "done": step is not None and i <= step,
                   "current": i == step} for i, label in enumerate(selectors.STEPS)],
        "timeline": selectors.portal_timeline(sr),
        "charges": selectors.portal_charges(sr),
        "repair_card": getattr(sr, "repair_card", None) if sr.status in {
            Status.CARRIED_IN, Status.REPAIRED, Status.INSPECTED} else None,
        "upcoming": selectors.upcoming_visit(sr),
        "bill": bill,
        # paid from his money on account (a deposit), less any such payment undone
        "paid_from_account": sum((p.amount for p in bill.payments if p.drawn_from_id), 0),
        "quote": bill.quote,
        "can_answer_quote": is_owner and quote_open,
        "can_decide": is_owner and sr.status == Status.AWAITING_AGREEMENT and not quote_open,
        "decision_form": DecisionForm(initial={"expected_version": sr.version}),
    }
    return render(request, "portal/request.html", context)


def _decide(request, number, service, done_message):
    sr = selectors.portal_request_get(user=request.user, number=number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check what you entered."))
        return redirect("portal:request", number=sr.number)
    try:
        service(actor=request.user, request=sr, note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["expected_version"])
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect("portal:request", number=sr.number)


@require_POST
@customer_only
def agree(request, number):
    return _decide(request, number, service_services.service_request_agree,
                   _("Thank you. You agreed to the charge; we will now send a technician."))


@require_POST
@customer_only
def decline(request, number):
    return _decide(request, number, service_services.service_request_decline,
                   _("You declined the charge. The request is cancelled; nothing will be charged."))


@require_POST
@customer_only
def seminar_answer(request, pk: int):
    """His answer to an invitation to a user seminar: he will come, or he cannot."""
    guest = (SeminarGuest.objects.select_related("seminar", "customer")
             .filter(pk=pk, customer__user=request.user).first())
    if guest is None:
        raise Http404
    answer = request.POST.get("answer")
    try:
        care_services.guest_answer(actor=request.user, guest=guest, answer=answer)
    except (ConflictError, PermissionDenied) as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you: we look forward to seeing you.")
                         if answer == "confirm" else _("Thank you for letting us know."))
    return redirect(f"{reverse('portal:home')}#invitations")


@never_cache
@customer_only
@require_http_methods(["GET", "POST"])
def new_request(request):
    customer = _customer_of(request.user)
    if customer is None:
        return render(request, "portal/no_customer.html", status=404)
    products = list(selectors.portal_products(user=request.user))
    form = NewRequestForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            sr = service_services.service_request_create(
                actor=request.user, customer=customer, installed_product=form.cleaned_product(),
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else (
                    (None, exc.messages),):
                target = {"installed_product": "product", "description": "description"}.get(field)
                for error in errors:
                    form.add_error(target, error)
        except (ConflictError, PermissionDenied) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your request %(number)s is registered.")
                             % {"number": sr.number})
            return redirect("portal:request", number=sr.number)
    return render(request, "portal/new.html", {
        "form": form, "products": products, "customer": customer, "today": local_today(),
        "selected": form["product"].value() or (None if products else "none"),
    })


# --- his statement of account -----------------------------------------------------------------

def _statement(request):
    """The signed-in customer and the statement his period asks for (None if the period is
    wrong), with the form."""
    customer = _customer_of(request.user)
    if customer is None:
        raise Http404
    form = StatementForm(request.GET)
    return customer, form, form.statement_for(customer)


@never_cache
@customer_only
def statement(request):
    """What we say he owes, movement by movement (对账单), to check against his books."""
    customer, form, found = _statement(request)
    return render(request, "portal/statement.html", {
        "customer": customer, "form": form, "statement": found,
        **form.period_shown(found), "query": request.GET.urlencode(),
    }, status=200 if found else 400)


@never_cache
@customer_only
def statement_excel(request):
    _customer, form, found = _statement(request)
    if found is None:
        return HttpResponseBadRequest(error_text(ValidationError(form.errors)))
    return xlsx_response(statement_book(found), statement_file_name(found))
