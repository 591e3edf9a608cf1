"""``{{ customer.phone|phone }}``: a stored number as people read it — 138 0013 8000,
021 6888 8888, +852 9123 4567 — the same on every page (``core.validators.phone_display``);
text that is not a number is shown as it is."""

from django import template

from aftersales.core.validators import phone_display

register = template.Library()


@register.filter
def phone(value) -> str:
    return phone_display(value) if value else ""
