"""A quote (报价) for chargeable work that the customer agrees to or declines (SR-4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel

from ..choices import AgreedVia, QuoteState
from .lines import PricedLine
from .rules import via_request


class Quote(BaseModel):
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.PROTECT,
                                related_name="quotes", verbose_name=_("request"))
    number = models.CharField(_("number"), max_length=20, unique=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=12, choices=QuoteState.choices,
                             default=QuoteState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("made by"))
    decided_via = models.CharField(_("how"), max_length=12, choices=AgreedVia.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    signer_name = models.CharField(_("customer's name"), max_length=100, blank=True)
    signature = models.TextField(_("signature"), blank=True, help_text=_("PNG as a data: URL"))
    note = models.TextField(_("note"), blank=True)

    restrict_rule = staticmethod(via_request("request"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=Q(state="open"),
                                    name="billing_one_open_quote"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state == QuoteState.OPEN


class QuoteLine(PricedLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("quote"))

    class Meta:
        ordering = ["quote", "position"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [models.UniqueConstraint(fields=["quote", "position"],
                                               name="billing_quote_line_position")]
