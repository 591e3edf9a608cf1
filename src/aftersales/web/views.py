import math
from functools import wraps

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from aftersales.accounts.choices import Role
from aftersales.core.find import FIND_PAGE, exact_hit, find_query
from aftersales.core.models import Notification
from aftersales.core.panels import panels_contexts, panels_render
from aftersales.core.plans import plans_for_values
from aftersales.core.ratelimit import login_limits, wait_of
from aftersales.core.views import roles_required

from .context import FIND_ROLES

FIND_MAX_LENGTH = 100

HOME_BY_ROLE = {
    Role.TECHNICIAN: "field:jobs",
    Role.CUSTOMER: "portal:home",
    Role.SUPERVISOR: "dispatch:queue",
    Role.MANAGER: "reports:dashboard",
    Role.ACCOUNTANT: "billing:home",  # the day's hand-overs to confirm
    Role.DEALER: "dealers:home",  # the dealer's own jobs, customers and stock
}


class LoginView(auth_views.LoginView):
    """Staff log-in. After LOGIN_FAILURE_LIMIT wrong attempts for one username from one address
    (or LOGIN_FAILURE_LIMIT_PER_IP from one address) within LOGIN_FAILURE_WINDOW seconds, the
    page answers 429 without checking the password (core.ratelimit, in the shared cache)."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        self.limits = login_limits(request, request.POST.get("username", ""))
        wait = wait_of(*self.limits)
        if wait:
            return self._refused(wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.limits[0].reset()  # this username from this address only: others keep counting
        return super().form_valid(form)

    def form_invalid(self, form):
        for limit in self.limits:
            limit.failed()
        return super().form_invalid(form)

    def _refused(self, wait: float):
        minutes = max(1, math.ceil(wait / 60))
        form = self.get_form()  # bound to what was typed, never validated: no password check
        form._errors, form.cleaned_data = ErrorDict(), {}
        form.add_error(None, ngettext(
            "Too many failed log-ins. Please try again in %(minutes)d minute.",
            "Too many failed log-ins. Please try again in %(minutes)d minutes.",
            minutes) % {"minutes": minutes})
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(math.ceil(wait))
        return response


def login_limited(view):
    """The staff log-in's limits for another log-in view (the admin's): past them, the staff
    log-in page's 429 answer; otherwise the view, its failure counted or its pair cleared."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        limits = login_limits(request, request.POST.get("username", ""))
        if wait_of(*limits):
            return LoginView.as_view()(request)  # refuses without checking the password
        response = view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            limits[0].reset()
        else:
            for limit in limits:
                limit.failed()
        return response

    return wrapper


admin_login = login_limited(admin.site.login)


def home(request):
    """Send each role to its own start page."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    for name in (HOME_BY_ROLE.get(request.user.role), "service:list", "admin:index"):
        if not name:
            continue
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return redirect("web:login")


@login_required
def notifications(request):
    """The user's notifications (deadline warnings, escalations …), newest first."""
    rows = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        rows.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("web:notifications")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


@require_GET
@roles_required(FIND_ROLES)
@plans_for_values()  # the sections search large tables by what was typed (core.plans)
def find(request):
    """Quick find (core.find): every app's section of what matches; the document itself when
    the query is exactly its number."""
    q = find_query(request.GET.get("q") or "")[:FIND_MAX_LENGTH]
    contexts = panels_contexts(FIND_PAGE, request, q) if q else []
    hit = exact_hit(context for _panel, context in contexts)
    if hit is not None:
        return redirect(hit.url)
    return render(request, "web/find.html", {
        "q": q, "found": bool(contexts),
        "sections": panels_render(FIND_PAGE, request, q, contexts=contexts)})
