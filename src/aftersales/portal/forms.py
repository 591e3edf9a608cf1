"""Shapes of the portal's inputs; the rules themselves live in services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import identifier_parse

NOT_LISTED = "none"


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "inputmode": "email", "autocapitalize": "off",
                                      "spellcheck": "false"}),
    )

    def clean_identifier(self):
        try:
            return identifier_parse(self.cleaned_data["identifier"]).value
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["identifier"]) from None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "pattern": r"[0-9 ]*",
                                      "class": "code-input"}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("The code has 6 digits."))
        return code


class DecisionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Anything to tell us? (optional)"), max_length=500,
                           required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewRequestForm(forms.Form):
    product = forms.ChoiceField(label=_("Which product?"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What is wrong?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _(
            "For example: the water heater does not light; error code E1 shows.")}),
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {str(p.pk): p for p in products}
        choices = [(key, p) for key, p in self.products.items()]
        choices.append((NOT_LISTED, _("A product not listed here")))
        self.fields["product"].choices = choices
        if len(choices) == 1:
            self.fields["product"].initial = NOT_LISTED

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise ValidationError(_("Describe what is wrong."))
        return text

    def cleaned_product(self):
        key = self.cleaned_data["product"]
        return None if key == NOT_LISTED else self.products[key]
