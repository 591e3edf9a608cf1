from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ON_SITE_METHODS, RECEIVED_METHODS, ExpenseKind, Method


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("expense", "Kind"), choices=ExpenseKind.choices)
    description = forms.CharField(label=_("What for"), max_length=200)
    amount = forms.DecimalField(label=_("Amount (¥)"), min_value=0.01, max_digits=10,
                                decimal_places=2, required=False)
    hours = forms.DecimalField(label=_("Hours (extra labour)"), min_value=0.01, max_digits=5,
                               decimal_places=2, required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (¥)"), min_value=0.01, max_digits=12,
                                decimal_places=2)
    method = forms.ChoiceField(label=_("Paid by"), widget=forms.RadioSelect,
                               choices=[(m.value, m.label) for m in Method if m in ON_SITE_METHODS])
    reference = forms.CharField(label=_("QR transaction number (optional)"), max_length=100,
                                required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, all_methods: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if all_methods:
            self.fields["method"].choices = RECEIVED_METHODS


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Customer's name"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class PhoneAnswerForm(forms.Form):
    signer_name = forms.CharField(label=_("Who answered on the phone"), max_length=100,
                                  required=False)
    note = forms.CharField(label=_("Note (a refusal needs the reason)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(forms.Form):
    counted = forms.DecimalField(label=_("Amount received (¥)"), min_value=0, max_digits=12,
                                 decimal_places=2)
    reason = forms.CharField(label=_("Reason for a difference"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
