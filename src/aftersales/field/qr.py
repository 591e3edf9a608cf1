"""QR codes on printed documents: they open the request's page in the customer portal."""

import segno
from django.conf import settings
from django.utils.safestring import mark_safe


def portal_url(number: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/portal/requests/{number}/"


def qr_svg(text: str, *, scale: int = 3) -> str:
    """An inline SVG (no XML prolog) that prints sharply at any size."""
    code = segno.make(text, error="m")
    return mark_safe(code.svg_inline(scale=scale, border=2, title=text))  # noqa: S308 (our SVG)
