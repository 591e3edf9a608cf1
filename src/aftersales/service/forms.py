"""Forms of the service desk. They check the shape of the input; the rules live in services."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.dates import local_today
from aftersales.core.forms import DateTimeField
from aftersales.customers.choices import CustomerKind, RegionKind
from aftersales.customers.forms import FlexibleDateField, MessageLanguageField
from aftersales.customers.models import Customer, InstalledProduct, ProductModel

from .choices import Cause, Channel, Kind, Urgency

NEW = "new"
NONE = "none"  # the product is not registered (and will not be now)


class IntakeForm(forms.Form):
    """A call: who (existing customer or new), which product (existing, new or none), what."""

    phone = forms.CharField(label=_("Caller's phone"), max_length=30, required=False)
    customer = forms.CharField(required=False)
    installed_product = forms.CharField(required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=Kind.choices, initial=Kind.REPAIR,
                             required=False)
    description = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 3, "data-enter-submits": ""}))
    cause = forms.ChoiceField(label=_("Cause, if known"),
                              choices=[("", _("— not known yet —")), *Cause.choices],
                              required=False)
    customer_agreed = forms.BooleanField(label=_("The customer agrees to the charge"),
                                         required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_customer(self):
        value = (self.cleaned_data.get("customer") or "").strip()
        if value == NEW:
            return NEW
        if not value.isdigit():
            raise ValidationError(_("Find the customer by phone, or register a new one."))
        customer = Customer.objects.restrict(self.user, "view").filter(pk=int(value)).first()
        if customer is None:
            raise ValidationError(_("This customer does not exist."))
        return customer

    def clean_installed_product(self):
        value = (self.cleaned_data.get("installed_product") or "").strip()
        if value == NEW:
            return NEW
        if value == NONE:
            return None
        if not value.isdigit():
            raise ValidationError(
                _("Choose the product, register a new one, or say it is not registered."))
        product = (InstalledProduct.objects.restrict(self.user, "view")
                   .select_related("model").filter(pk=int(value)).first())
        if product is None:
            raise ValidationError(_("This product does not exist."))
        return product

    def clean(self):
        data = super().clean()
        customer, product = data.get("customer"), data.get("installed_product")
        if customer == NEW and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Enter the caller's phone number."))
        if (isinstance(customer, Customer) and isinstance(product, InstalledProduct)
                and product.customer_id != customer.pk):
            self.add_error("installed_product", _("This product belongs to another customer."))
        if customer == NEW and isinstance(product, InstalledProduct):
            self.add_error("installed_product", _("A new customer has no registered product yet."))
        return data


class NewCustomerForm(forms.Form):
    """The caller, registered during the call (AR-1). The phone is the intake's phone box."""

    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    region_kind = forms.ChoiceField(label=_("Region"), choices=RegionKind.choices,
                                    initial=RegionKind.URBAN)
    kind = forms.ChoiceField(label=pgettext_lazy("customer", "Kind"), choices=CustomerKind.choices,
                             initial=CustomerKind.INDIVIDUAL)
    language = MessageLanguageField()


class NewProductForm(forms.Form):
    """A product registered during the call (AR-2)."""

    model = forms.ModelChoiceField(label=_("Model"), queryset=ProductModel.objects.order_by("code"),
                                   empty_label=_("— choose the model —"))
    serial = forms.CharField(label=_("Serial number"), max_length=60)
    purchased_on = FlexibleDateField(label=_("Purchased on"))
    installed_on = FlexibleDateField(label=_("Installed on"), required=False)
    address = forms.CharField(label=_("Installation address"), max_length=200, required=False)
    region_kind = forms.ChoiceField(label=_("Installation region"), required=False,
                                    choices=[("", _("As the customer's address")),
                                             *RegionKind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installed_on"].widget.attrs["title"] = _(
            "Leave empty if installation is not accepted yet.")
        self.fields["address"].widget.attrs["placeholder"] = _("Empty: the customer's address")

    def unsaved_product(self, customer=None) -> InstalledProduct | None:
        """An unsaved product for the terms preview, if model and purchase date are valid."""
        data = getattr(self, "cleaned_data", {}) or {}
        model, purchased = data.get("model"), data.get("purchased_on")
        if model is None or purchased is None:
            return None
        return InstalledProduct(customer=customer, model=model, serial=data.get("serial", ""),
                                purchased_on=purchased, installed_on=data.get("installed_on"),
                                region_kind=data.get("region_kind") or "")


# --- actions on a request ---------------------------------------------------------------------

class VersionForm(forms.Form):
    """Every action posts the version the user saw, so a stale page cannot overwrite."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(VersionForm):
    note = forms.CharField(label=_("Reason"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M", "%Y%m%d %H:%M",
                          "%Y%m%d %H%M", "%Y-%m-%d %H%M"]


class AssignForm(VersionForm):
    technician = forms.ModelChoiceField(label=_("Technician"), queryset=None,
                                        empty_label=_("— choose —"))
    appointment_at = DateTimeField(
        label=_("Appointment"), required=False, input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M",
                                   attrs={"autocomplete": "off"}),
    )

    field_order = ["technician", "appointment_at", "note", "version"]

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["technician"].label_from_instance = _technician_label
        # the format by example, on a day that could be meant: tomorrow morning
        self.fields["appointment_at"].widget.attrs["placeholder"] = (
            f"{local_today() + timedelta(days=1):%Y-%m-%d} 09:30")


class RepairedFirstForm(forms.Form):
    """先抢修后补单 (DS-6): the call's paperwork, made out after a technician was sent on an
    emergency — when the call came in, who went, when he arrived, why it could not wait."""

    on = forms.BooleanField(label=_("A technician was sent before this paperwork"),
                            required=False)
    reported_at = DateTimeField(
        label=_("Call came in at"), input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M", attrs={"autocomplete": "off"}))
    technician = forms.ModelChoiceField(label=_("Technician sent"), queryset=None,
                                        empty_label=_("— choose —"))
    arrived_at = DateTimeField(
        label=_("Arrived at"), input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(format="%Y-%m-%d %H:%M", attrs={"autocomplete": "off"}))
    repaired_first = forms.CharField(label=_("Why it could not wait"), max_length=300,
                                     widget=forms.TextInput(attrs={"placeholder": _(
                                         "e.g. water pouring from the heater, gas smell")}))

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["technician"].label_from_instance = _technician_label
        example = f"{local_today():%Y-%m-%d} 08:10"
        for name in ("reported_at", "arrived_at"):
            self.fields[name].widget.attrs["placeholder"] = example


def _technician_label(user) -> str:
    count = getattr(user, "open_jobs", None)
    name = str(user)
    if count is None:
        return name
    return _("%(name)s (%(count)s open)") % {"name": name, "count": count}


class InspectForm(VersionForm):
    field_order = ["passed", "note", "version"]
    passed = forms.TypedChoiceField(
        label=_("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Passed: ready to return")), ("no", _("Failed: back to repair"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("passed") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what must be reworked."))
        return data


class HandBackForm(VersionForm):
    field_order = ["signer_name", "opinion", "signature", "note", "version"]
    signer_name = forms.CharField(label=_("Signed by"), max_length=100)
    opinion = forms.CharField(label=_("Customer's opinion"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
