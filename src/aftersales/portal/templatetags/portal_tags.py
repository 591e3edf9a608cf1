"""``{% portal_hotline as hotline %}``: the number the portal's header gives the customer."""

from django import template
from django.contrib.auth.models import AnonymousUser

from ..selectors import portal_hotline as hotline_for

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_hotline(context) -> str:
    request = context.get("request")
    return hotline_for(getattr(request, "user", None) or AnonymousUser())
