import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.choices import STAFF_ROLES
from aftersales.core.validators import phone_normalize
from aftersales.customers.models import Customer

from .choices import (
    CentreKind,
    ContactKind,
    ReferralStatus,
    SeminarKind,
    SeminarState,
    VisitKind,
    VisitorLevel,
)
from .models import InfluenceCentre, Seminar


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


class CustomersByPhonesField(forms.CharField):
    """Customers named by their phone numbers, one a line (or separated by commas or
    semicolons); a number no customer has is an error naming it."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value) or ""
        found, missing = [], []
        for raw in re.split(r"[\n,，;；、]+", value):
            raw = raw.strip()
            if not raw:
                continue
            try:
                customer = CustomerByPhoneField().clean(raw)
            except ValidationError:
                missing.append(raw)
                continue
            found.append(customer)
        if missing:
            raise ValidationError(_("No customer has these numbers: %(numbers)s.")
                                  % {"numbers": ", ".join(missing)})
        return found


def active_centres():
    return InfluenceCentre.objects.filter(active=True).order_by("name")


def seminars_for_referrals():
    """The seminars a prospect can have been met at: not cancelled, the latest first."""
    return (Seminar.objects.exclude(state=SeminarState.CANCELLED)
            .order_by("-starts_at", "-id")[:50])


class ReferralForm(forms.Form):
    referrer = CustomerByPhoneField(label=_("Referred by (customer's phone)"), max_length=20,
                                    required=False)
    centre = forms.ModelChoiceField(label=_("or by an influence centre"), required=False,
                                    queryset=InfluenceCentre.objects.none())
    seminar = forms.ModelChoiceField(label=_("Met at a user seminar"), required=False,
                                     queryset=Seminar.objects.none())
    prospect_name = forms.CharField(label=_("Prospect"), max_length=100)
    prospect_phone = forms.CharField(label=_("Prospect's phone"), max_length=20, required=False)
    referred = CustomerByPhoneField(label=_("Already a customer (phone)"), max_length=20,
                                    required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = active_centres()
        self.fields["seminar"].queryset = seminars_for_referrals()
        self.fields["seminar"].label_from_instance = (
            lambda s: f"{timezone.localtime(s.starts_at):%Y-%m-%d} {s.title}")

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("referrer") is None) == (data.get("centre") is None):
            raise ValidationError(_("Name the customer or the influence centre who recommended "
                                    "the prospect (one of the two)."))
        return data


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


class InfluenceCentreForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("influence centre", "Name"), max_length=100)
    kind = forms.ChoiceField(label=pgettext_lazy("influence centre", "Kind"),
                             choices=CentreKind.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    customer = CustomerByPhoneField(label=_("Also our customer (phone)"), max_length=20,
                                    required=False)
    keeper = StaffChoiceField(label=_("Kept by"), queryset=staff_users())
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CentreContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Contacted on"),
                                   widget=forms.DateInput(attrs={"type": "date"},
                                                          format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=pgettext_lazy("contact", "How"), choices=ContactKind.choices)
    note = forms.CharField(label=_("What was said"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SeminarForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    kind = forms.ChoiceField(label=pgettext_lazy("seminar", "Kind"), choices=SeminarKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=pgettext_lazy("seminar", "Place"), max_length=200)
    service_centre = forms.ModelChoiceField(label=_("Held by centre"), queryset=None,
                                            required=False, empty_label=_("the head office"))
    host = StaffChoiceField(label=_("Host"), queryset=staff_users())
    capacity = forms.IntegerField(label=_("Seats"), required=False, min_value=1,
                                  max_value=10000, help_text=_("Empty: no limit."))
    agenda = forms.CharField(label=pgettext_lazy("seminar", "What it is about"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.accounts.models import ServiceCentre, is_headquarters

        centres = ServiceCentre.objects.order_by("code")
        field = self.fields["service_centre"]
        if user is not None and not is_headquarters(user):  # a centre's own: that centre
            field.queryset, field.required = centres.filter(pk=user.service_centre_id), True
            field.empty_label = None
            self.initial.setdefault("service_centre", user.service_centre_id)
        else:
            field.queryset = centres
        if user is not None:
            self.initial.setdefault("host", user.pk)


class SeminarInviteForm(forms.Form):
    """Whom to invite at once: numbers typed in, the key accounts, the owners of a model."""

    phones = CustomersByPhonesField(label=_("Customers' phone numbers"), required=False,
                                    help_text=_("One a line, or separated by commas."))
    key_accounts = forms.BooleanField(label=_("The key accounts"), required=False)
    product_model = forms.ModelChoiceField(label=_("The owners of a product model"),
                                           queryset=None, required=False)
    send = forms.BooleanField(label=_("Send the invitation now"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.customers.models import ProductModel

        self.fields["product_model"].queryset = ProductModel.objects.order_by("code")
        self.fields["product_model"].label_from_instance = lambda m: f"{m.code} {m.name}"


class GuestAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("confirm", "confirm"), ("decline", "decline")])
    note = forms.CharField(required=False, max_length=300)


class SeminarHoldForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    walk_ins = CustomersByPhonesField(label=_("Came without an invitation (phone numbers)"),
                                      required=False)
    summary = forms.CharField(label=_("What was said"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, guests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(g.pk, str(g.customer)) for g in guests]


class SeminarSummaryForm(forms.Form):
    summary = forms.CharField(label=_("What was said"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class SeminarCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300)
