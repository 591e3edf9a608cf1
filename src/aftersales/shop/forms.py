from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.forms import DateTimeField

from .choices import CaseKind, Language, Reason
from .models import Shop


class OrderForm(forms.Form):
    shop = forms.ModelChoiceField(Shop.objects.filter(active=True), label=_("Shop"))
    number = forms.CharField(label=_("Order number"), max_length=64)
    buyer_name = forms.CharField(label=_("Buyer"), max_length=100)
    buyer_phone = forms.CharField(label=_("Buyer's phone"), max_length=20)
    buyer_account = forms.CharField(label=_("Buyer's account"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    item_name = forms.CharField(label=pgettext_lazy("order", "Item"), max_length=200)
    item_sku = forms.CharField(label=_("SKU"), max_length=60, required=False)
    item_quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    paid_amount = forms.DecimalField(label=_("Paid amount"), max_digits=12, decimal_places=2,
                                     min_value=0)
    paid_at = DateTimeField(label=_("Paid at"))
    shipped_at = DateTimeField(label=_("Shipped at"), required=False)
    delivered_at = DateTimeField(label=_("Delivered at"), required=False)


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contact kind"), choices=CaseKind.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *Reason.choices],
                               required=False)
    description = forms.CharField(label=_("What the buyer says"), widget=forms.Textarea(
        attrs={"rows": 3}), required=False)
    goods_amount = forms.DecimalField(label=_("Value of the goods"), max_digits=12,
                                      decimal_places=2, min_value=0, required=False)
    dispute = forms.BooleanField(label=_("Platform dispute"), required=False)


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contact kind"), choices=CaseKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Placeholders: {order} {buyer} {shop} {paid_at} "
                                       "{delivered_at} {return_until}"))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
