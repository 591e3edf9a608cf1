"""Forms of the customer pages. Shape only: the rules (phone validity, dates) are in services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import CustomerKind, RegionKind

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]


class FlexibleDateField(forms.DateField):
    """A date typed the way people type it: 2024-03-15, 2024/3/15, 20240315, 2024年3月15日.

    A plain text box, because a browser's segmented date box is slow and error-prone to type
    into for desk staff working from the keyboard."""

    def __init__(self, **kwargs):
        attrs = {"placeholder": "2024-03-15", "autocomplete": "off", "maxlength": "12",
                 "class": "date"}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class MessageLanguageField(forms.ChoiceField):
    """The language of the messages a customer gets; empty: the company's default."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Language of messages"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", [("", _("Company's default")), *settings.LANGUAGES])
        kwargs.setdefault("help_text", _("SMS and e-mails to the customer are written in it."))
        super().__init__(**kwargs)


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           widget=forms.TextInput(attrs={"autofocus": True}))
    phone = forms.CharField(label=_("Phone"), max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    phone_alt = forms.CharField(label=_("Other phone"), max_length=30, required=False,
                                widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200)
    region_kind = forms.ChoiceField(label=_("Region"), choices=RegionKind.choices,
                                    initial=RegionKind.URBAN)
    kind = forms.ChoiceField(label=pgettext_lazy("customer", "Kind"), choices=CustomerKind.choices,
                             initial=CustomerKind.INDIVIDUAL)
    birthday = FlexibleDateField(label=_("Birthday"), required=False,
                                 help_text=_("For birthday greetings."))
    language = MessageLanguageField()


class CustomerEditForm(CustomerForm):
    """Editing posts the version the user saw: a concurrent edit is reported, not overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
