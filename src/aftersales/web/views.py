from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.models import Notification

HOME_BY_ROLE = {
    Role.TECHNICIAN: "field:jobs",
    Role.CUSTOMER: "portal:home",
    Role.SUPERVISOR: "dispatch:queue",
    Role.MANAGER: "reports:dashboard",
}


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


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
