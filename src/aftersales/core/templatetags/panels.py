"""``{% panels "service_request.detail" sr %}``: the sections other apps add to a page."""

from django import template

from aftersales.core.panels import panels_render

register = template.Library()


@register.simple_tag(takes_context=True, name="panels")
def panels_tag(context, page: str, subject):
    return panels_render(page, context.get("request"), subject)
