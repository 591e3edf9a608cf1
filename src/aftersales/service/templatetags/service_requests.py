"""``{% request_link sr %}``: a service request's number, linked to its page for whoever may
open that page (the desk, as ``accounts.permissions.desk_required``); plain text for everyone else
who sees the number on a page of their own — an accountant on a charge sheet, a technician on
the billing list — so no page offers a link that answers 403."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from aftersales.accounts.choices import DESK_ROLES
from aftersales.core.views import may_open

register = template.Library()


@register.simple_tag(takes_context=True)
def request_link(context, service_request, css_class: str = "") -> str:
    if service_request is None:
        return ""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is not None and user.is_authenticated and may_open(user, DESK_ROLES):
        return format_html('<a href="{}"{}>{}</a>',
                           reverse("service:detail", args=[service_request.pk]),
                           format_html(' class="{}"', css_class) if css_class else "",
                           service_request.number)
    return format_html('<span data-request-number>{}</span>', service_request.number)
