"""Invoices (BL-1), credit notes and return notes (BL-4): numbered, issued and never changed.

A correction is a new document: a credit note against an invoice, never an edit of it.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.billing.choices import Method

from ..choices import CreditKind, InvoiceKind
from .base import DocumentMixin, DocumentQuerySet, back_office_rule

ONE_PARTY = (Q(customer__isnull=False, dealer__isnull=True)
             | Q(customer__isnull=True, dealer__isnull=False))


class PartyMixin:
    """A document made out to a customer or to a dealer: exactly one of the two (a check
    constraint on ``ONE_PARTY``)."""

    @property
    def party(self):
        """Whom the document is made out to: the customer, or the dealer."""
        return self.customer if self.customer_id else self.dealer


class IssuedDocument(DocumentMixin, models.Model):
    """What invoices, credit notes and return notes share: a number, when and by whom they were
    issued (the newest first), and that only the back office sees them."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))

    objects = DocumentQuerySet.as_manager()
    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        abstract = True
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Invoice(PartyMixin, IssuedDocument):
    """发票: one job's charge sheet, or a customer's sheets of a period collected into one — or
    a dealer's parts order (PT-1). Its party is a customer or a dealer, never both."""

    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("customer"))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="invoices", verbose_name=_("dealer"))
    kind = models.CharField(_("kind"), max_length=10, choices=InvoiceKind.choices)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    net = models.DecimalField(_("amount before tax"), max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    issuer = models.CharField(_("issued through"), max_length=60, blank=True)
    external_number = models.CharField(_("tax platform number"), max_length=60, blank=True)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [models.Index(fields=["customer", "issued_at"], name="inv_invoice_customer"),
                   models.Index(fields=["dealer", "issued_at"], name="inv_invoice_dealer")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="inv_invoice_not_negative"),
            models.CheckConstraint(condition=ONE_PARTY, name="inv_invoice_one_party"),
        ]


LINE_SOURCES = ("sheet", "contract", "order", "obligation", "loan")


def _one_source() -> Q:
    """Exactly one of the line's sources is set."""
    condition = Q()
    for chosen in LINE_SOURCES:
        condition |= Q(**{f"{source}__isnull": source != chosen for source in LINE_SOURCES})
    return condition


class InvoiceLine(DocumentMixin, models.Model):
    """What an invoice charges for: one job's charge sheet, one maintenance contract's fee, one
    dealer's parts order, or the charge for a faulty part a dealer kept instead of sending it
    back (a return obligation) or for a lent part not brought back (a loan) — exactly one. Each
    is on one invoice at most (unique constraints): two batch runs at once cannot invoice a job,
    a contract, an order or a kept part twice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines",
                                verbose_name=_("invoice"))
    sheet = models.OneToOneField("billing.ChargeSheet", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="invoice_line",
                                 verbose_name=_("charge sheet"))
    contract = models.OneToOneField("customers.MaintenanceContract", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="invoice_line",
                                    verbose_name=_("maintenance contract"))
    order = models.OneToOneField("parts.MaterialRequest", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="invoice_line",
                                 verbose_name=_("parts order"))
    obligation = models.OneToOneField("parts.ReturnObligation", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="invoice_line",
                                      verbose_name=_("faulty part kept"))
    loan = models.OneToOneField("parts.Loan", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="invoice_line", verbose_name=_("loan kept"))
    description = models.CharField(_("description"), max_length=200)
    net = models.DecimalField(_("amount before tax"), max_digits=12, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        # amount = net + tax is kept by the service (SQLite compares decimals as floats)
        constraints = [
            models.CheckConstraint(condition=_one_source(), name="inv_line_one_source"),
        ]

    @property
    def source_number(self) -> str:
        """The charge sheet's, the contract's, the parts order's or the loan's number; for a
        faulty part kept, its job's (``ReturnObligation.job_label``)."""
        if self.sheet_id:
            return self.sheet.number
        if self.contract_id:
            return self.contract.number
        if self.order_id:
            return self.order.number
        if self.loan_id:
            return self.loan.number
        return self.obligation.job_label


class InvoicePayment(DocumentMixin, models.Model):
    """An allocation: how much of a payment received by the back office (billing's payment
    without a charge sheet) pays an invoice. A payment may be split over several invoices of its
    customer; what no row allocates stays on the customer's account (预收款) until it is applied.

    A ledger: rows are never changed or deleted (the ORM and database triggers refuse it). A
    mistaken application is undone by a reversing row — a negative amount naming the row it
    reverses, with a reason — which puts the money back on account; a row is reversed once at
    most (unique). The services lock the invoices (by id) and then the payment while they check
    that no invoice is paid beyond what it has outstanding and no payment beyond its amount."""

    payment = models.ForeignKey("billing.Payment", on_delete=models.PROTECT,
                                related_name="invoice_allocations", verbose_name=_("payment"))
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("invoice"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", verbose_name=_("reverses"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    allocated_at = models.DateTimeField(_("applied at"), db_index=True)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("applied by"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)

    objects = DocumentQuerySet.as_manager()
    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        ordering = ["invoice", "id"]
        verbose_name = _("payment against an invoice")
        verbose_name_plural = _("payments against invoices")
        constraints = [
            # an application is above zero; a reversal is below zero and names what it reverses
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="inv_allocation_sign"),
            models.UniqueConstraint(fields=["payment", "invoice", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="inv_allocation_once_per_key"),
        ]


REFUND_METHODS = [(m.value, m.label) for m in (Method.TRANSFER, Method.CASH)]


class DepositRefund(DocumentMixin, models.Model):
    """Money on account paid back to the customer (退还预收款): what of a payment without a
    charge sheet no invoice nor job has taken goes back to him, all of it or a part, with the
    reason. A ledger like the allocations — never changed or deleted (the ORM and database
    triggers refuse it); what is left on account is the payment's amount less its allocations,
    the charge sheets paid from it and its refunds. The service locks the payment's row while it
    checks that no more is paid back than is left."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    payment = models.ForeignKey("billing.Payment", on_delete=models.PROTECT,
                                related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=REFUND_METHODS)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    refunded_at = models.DateTimeField(_("paid back at"), db_index=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("paid back by"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)

    objects = DocumentQuerySet.as_manager()
    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        ordering = ["refunded_at", "id"]
        verbose_name = _("money on account paid back")
        verbose_name_plural = _("money on account paid back")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="inv_deposit_refund_positive"),
            models.UniqueConstraint(fields=["refunded_by", "idempotency_key"],
                                    name="inv_deposit_refund_once"),
        ]

    def __str__(self) -> str:
        return self.number

class InvoiceRefund(DocumentMixin, models.Model):
    """Money paid back on an invoice that owes its party back (退款): paid, then credited. A
    dealer's invoice for parts it kept is paid through billing's payments applied to it; when a
    credit note takes off some of what it paid, what the invoice owes back goes back to the
    dealer as one of these rows — the payment and its application stay as they were, and the
    invoice's balance counts the refund as paid out (a parts order's invoice is paid back on the
    order's ledger instead). A ledger: never changed or deleted (the ORM and database triggers
    refuse it); never more than the invoice owes back, checked under the invoice's row lock."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="refunds",
                                verbose_name=_("invoice"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=REFUND_METHODS,
                              default=Method.TRANSFER)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    refunded_at = models.DateTimeField(_("paid back at"), db_index=True)
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("paid back by"))

    objects = DocumentQuerySet.as_manager()
    restrict_rule = staticmethod(back_office_rule)

    class Meta:
        ordering = ["refunded_at", "id"]
        verbose_name = _("refund on an invoice")
        verbose_name_plural = _("refunds on invoices")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="inv_invoice_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number} −¥{self.amount}"


class CreditNote(PartyMixin, IssuedDocument):
    """销货折让证明单: money taken off what a customer (or a dealer, against its invoice) owes
    (credit, allowance) or paid back (refund). A credit never exceeds what its invoice has left
    to credit."""

    kind = models.CharField(_("kind"), max_length=10, choices=CreditKind.choices)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="credit_notes",
                                 verbose_name=_("customer"))
    dealer = models.ForeignKey("dealers.Dealer", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="credit_notes", verbose_name=_("dealer"))
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="credit_notes", verbose_name=_("invoice"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.BigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("because of"), max_length=200, blank=True)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        indexes = [models.Index(fields=["source_type", "source_id"], name="inv_credit_source")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="inv_credit_positive"),
            models.CheckConstraint(condition=~Q(kind=CreditKind.CREDIT)
                                   | Q(invoice__isnull=False), name="inv_credit_has_invoice"),
            models.CheckConstraint(condition=ONE_PARTY, name="inv_credit_one_party"),
        ]


class CreditNoteLine(DocumentMixin, models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("credit note line")
        verbose_name_plural = _("credit note lines")


class ReturnNote(IssuedDocument):
    """成品退货单: goods the customer gave back against an invoice; the warehouse's receipt is
    a row of its own (:class:`ReturnReceipt`), the money a credit note whose source is the return
    note, issued with it."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT,
                                 related_name="return_notes", verbose_name=_("customer"))
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="return_notes",
                                verbose_name=_("invoice"))
    reason = models.CharField(_("reason"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("return note")
        verbose_name_plural = _("return notes")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="inv_return_not_negative"),
        ]


class ReturnNoteLine(DocumentMixin, models.Model):
    return_note = models.ForeignKey(ReturnNote, on_delete=models.PROTECT, related_name="lines")
    part = models.ForeignKey("parts.Part", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("part"))
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3,
                                   default=Decimal("1"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("return note line")
        verbose_name_plural = _("return note lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inv_return_line_positive"),
        ]


class ReturnReceipt(DocumentMixin, models.Model):
    """The warehouse's receipt of a return note's goods (BL-4): once per note."""

    return_note = models.OneToOneField(ReturnNote, on_delete=models.PROTECT,
                                       related_name="receipt", verbose_name=_("return note"))
    warehouse = models.ForeignKey("parts.Warehouse", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("received into"))
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("return receipt")
        verbose_name_plural = _("return receipts")
