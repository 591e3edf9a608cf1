"""Forms of the price list pages (docs/parts.md, "Price list pages"): the list's filters, a new
price from a day, a model a part fits, and the upload of a price list. Amounts are checked by
``parts.services.part_price_set`` (one rule for the pages, the import, the API and the admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.customers.models import ProductModel

from .prices_sheet import COLUMNS


class PriceFilterForm(forms.Form):
    """The list's filters; the page, its print view and its export read the same form."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=pgettext_lazy("parts", "Category"), required=False)
    unpriced = forms.BooleanField(label=_("No price yet"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", pgettext_lazy("parts", "all"))] + [
            (c, c) for c in categories]


class PriceSetForm(forms.Form):
    valid_from = forms.DateField(label=COLUMNS["valid_from"],
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    price = forms.CharField(label=COLUMNS["price"], max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    cost = forms.CharField(label=COLUMNS["cost"], max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class FitAddForm(forms.Form):
    product_model = forms.ModelChoiceField(label=_("Product model"),
                                           queryset=ProductModel.objects.none())

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_model"].queryset = ProductModel.objects.exclude(
            pk__in=part.fits.values("pk")).order_by("code")


class PriceImportForm(forms.Form):
    file = forms.FileField(label=_("Price list (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
