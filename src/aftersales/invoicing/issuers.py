"""Who issues an invoice to the outside world: the ``InvoiceIssuer`` interface.

The product ships :class:`LocalIssuer`: the invoice is numbered here and printed from its print
view (HTML with a print stylesheet; the browser prints it or saves it as PDF). A real 国家税务
e-invoicing platform (全电发票 through a tax-control service provider) plugs in by setting
``INVOICE_ISSUER`` to the dotted path of a class that implements this interface — see
docs/invoicing.md, "A tax-platform adapter".

``issue`` is called inside the invoice's transaction, before the invoice is saved, with the
unsaved invoice and its lines (numbers and amounts filled in). It returns the platform's own
invoice number ("" if none); if it raises, the invoice is not issued and its number is not used
(numbers stay gap-free). ``print_context`` adds what the print view shows about the issuer (a
platform's QR code, its check code).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

DEFAULT_ISSUER = "aftersales.invoicing.issuers.LocalIssuer"


@dataclass(frozen=True)
class Company:
    """The seller's details printed on every invoice (setting INVOICE_COMPANY, a dict)."""

    name: str
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    bank: str = ""


@runtime_checkable
class InvoiceIssuer(Protocol):
    name: str
    label: str

    def issue(self, invoice, lines) -> str:
        """Register ``invoice`` (unsaved, with its ``lines``) with the issuing system; return
        its number there ("" if it has none). Raise IssueRefused to refuse it."""
        ...

    def print_context(self, invoice) -> dict:
        """Extra context for the print view of an issued invoice."""
        ...


class IssueRefused(Exception):
    """The issuing system refused the invoice; the message says why (shown to the user)."""


class LocalIssuer:
    """Invoices numbered and printed by this product alone (no tax platform)."""

    name = "local"
    label = _("Printed here (no tax platform)")

    def issue(self, invoice, lines) -> str:
        return ""

    def print_context(self, invoice) -> dict:
        return {}


@lru_cache(maxsize=4)
def _load(path: str) -> InvoiceIssuer:
    try:
        issuer = import_string(path)()
    except ImportError as error:
        raise ImproperlyConfigured(f"INVOICE_ISSUER {path!r} cannot be imported: {error}") from None
    if not isinstance(issuer, InvoiceIssuer):
        raise ImproperlyConfigured(f"INVOICE_ISSUER {path!r} does not implement InvoiceIssuer")
    return issuer


def issuer_get() -> InvoiceIssuer:
    """The configured issuer (setting INVOICE_ISSUER, a dotted path; LocalIssuer by default)."""
    return _load(getattr(settings, "INVOICE_ISSUER", DEFAULT_ISSUER))


def company() -> Company:
    details = getattr(settings, "INVOICE_COMPANY", None) or {}
    return Company(name=details.get("name") or str(_("After-sales service department")),
                   tax_id=details.get("tax_id", ""), address=details.get("address", ""),
                   phone=details.get("phone", ""), bank=details.get("bank", ""))
