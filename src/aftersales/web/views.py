from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from aftersales.accounts.choices import Role

HOME_BY_ROLE = {
    Role.TECHNICIAN: "field:jobs",
    Role.CUSTOMER: "portal:home",
    Role.SUPERVISOR: "service:queue",
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
