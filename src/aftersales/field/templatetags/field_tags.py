from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def hours(value) -> str:
    """1.50 → "1.5", 2.00 → "2", 1.25 → "1.25": hours as people write them."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{number.normalize():f}"
