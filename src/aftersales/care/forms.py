from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import STAFF_ROLES
from aftersales.core.validators import phone_normalize
from aftersales.customers.models import Customer

from .choices import ReferralStatus, VisitKind, VisitorLevel


def staff_users():
    return (get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)
            .order_by("username"))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CustomerByPhoneField(forms.CharField):
    """A customer found by his phone number, as a desk finds him on a call."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            phone = phone_normalize(value)
        except ValidationError:
            raise ValidationError(_("Enter a phone number.")) from None
        customer = Customer.objects.filter(phone=phone).order_by("id").first()
        if customer is None:
            raise ValidationError(_("No customer has this phone number."))
        return customer


class KeyAccountMarkForm(forms.Form):
    manager = StaffChoiceField(label=_("Account manager"), queryset=staff_users())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class KeyAccountEditForm(forms.Form):
    manager = StaffChoiceField(label=_("Account manager"), queryset=staff_users())
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("Key account"), required=False)


class VisitRecordForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"),
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=pgettext_lazy("visit", "Kind"), choices=VisitKind.choices, initial=VisitKind.OTHER)
    note = forms.CharField(label=_("What was discussed"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    visit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VisitPlanForm(forms.Form):
    visitor = StaffChoiceField(label=_("Visitor"), queryset=staff_users())
    level = forms.ChoiceField(label=_("Level"), choices=VisitorLevel.choices)
    starts_on = forms.DateField(label=_("First visit due"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReferralForm(forms.Form):
    referrer = CustomerByPhoneField(label=_("Referred by (customer's phone)"), max_length=20)
    prospect_name = forms.CharField(label=_("Prospect"), max_length=100)
    prospect_phone = forms.CharField(label=_("Prospect's phone"), max_length=20, required=False)
    referred = CustomerByPhoneField(label=_("Already a customer (phone)"), max_length=20,
                                    required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReferralCloseForm(forms.Form):
    status = forms.ChoiceField(choices=[(ReferralStatus.WON, ReferralStatus.WON.label),
                                        (ReferralStatus.LOST, ReferralStatus.LOST.label)])
    referred = CustomerByPhoneField(label=_("Customer's phone"), max_length=20, required=False)


class ProductNoticeForm(forms.Form):
    """A product notice (CR-1): which owners, and what they are told."""

    product_model = forms.ModelChoiceField(label=_("Product model"), queryset=None)
    service_centre = forms.ModelChoiceField(label=_("Owners of centre"), queryset=None,
                                            required=False, empty_label=_("every centre"))
    purchased_from = forms.DateField(label=_("Bought from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    purchased_to = forms.DateField(label=_("Bought until"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.CharField(label=_("Subject"), max_length=120)
    text = forms.CharField(label=_("Text"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Placeholders: {customer} {product} {serial} {company}."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.accounts.models import ServiceCentre, is_headquarters
        from aftersales.customers.models import ProductModel

        self.fields["product_model"].queryset = ProductModel.objects.order_by("code")
        self.fields["product_model"].label_from_instance = lambda m: f"{m.code} {m.name}"
        centres = ServiceCentre.objects.order_by("code")
        field = self.fields["service_centre"]
        if user is not None and not is_headquarters(user):  # a branch manager: his own
            field.queryset, field.required = centres.filter(pk=user.service_centre_id), True
            field.empty_label = None
            self.initial.setdefault("service_centre", user.service_centre_id)
        else:
            field.queryset = centres


class NoticeScheduleForm(forms.Form):
    """When a draft notice is to go out by itself (Asia/Shanghai, the site's time)."""

    scheduled_for = forms.DateTimeField(
        label=_("Send on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class CareMessageSendForm(forms.Form):
    """A care message of the calendar sent by hand: which customer, occasion and key."""

    customer = forms.IntegerField(widget=forms.HiddenInput)
    occasion = forms.CharField(max_length=20, widget=forms.HiddenInput)
    key = forms.CharField(max_length=40, widget=forms.HiddenInput)
