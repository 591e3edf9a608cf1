"""The complaint pages' forms: shape only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.customers.models import Customer, ProductModel

from .choices import (
    Cause,
    Channel,
    Grade,
    Kind,
    Language,
    Market,
    OutcomeKind,
    ReplyChannel,
    Status,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ComplaintForm(forms.Form):
    """CP-3: the intake — who, what, how much, what the customer asks, samples."""

    channel = forms.ChoiceField(label=pgettext_lazy("complaint", "Channel"), choices=Channel.choices, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=pgettext_lazy("complaint", "Kind"), choices=Kind.choices)
    market = forms.ChoiceField(label=_("Market"), choices=Market.choices)
    customer_phone = forms.CharField(label=_("Customer's phone"), required=False, max_length=20,
                                     help_text=_("A known customer is found by phone."))
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Customer's language"), required=False,
        choices=[("", _("The customer's own")), *Language.choices],
        help_text=_("Empty: the known customer's language of messages, else the company's "
                    "default."))
    reply_channel = forms.ChoiceField(label=_("Tell the customer by"), choices=ReplyChannel.choices)
    product_model = forms.ModelChoiceField(label=_("Product model"), required=False,
                                           queryset=ProductModel.objects.order_by("code"))
    order_ref = forms.CharField(label=_("Order number"), required=False, max_length=40)
    part_number = forms.CharField(label=pgettext_lazy("complaint", "Part number"), required=False, max_length=60)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, min_value=0,
                                  max_digits=12, decimal_places=2)
    delivered_on = forms.DateField(label=_("Delivery date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    defective_quantity = forms.DecimalField(label=_("Defective quantity"), required=False,
                                            min_value=0, max_digits=12, decimal_places=2)
    description = forms.CharField(label=pgettext_lazy("complaint", "What is wrong"), widget=forms.Textarea(attrs={"rows": 3}))
    customer_request = forms.CharField(label=_("What the customer asks"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    still_processing = forms.BooleanField(label=_("Customer still processing, not determined"),
                                          required=False)
    claimed_amount = forms.DecimalField(label=_("Amount asked"), required=False, min_value=0,
                                        max_digits=12, decimal_places=2)
    joint_inspection = forms.BooleanField(label=_("Joint on-site inspection needed"),
                                          required=False)
    uploads = MultipleFileField(label=_("Samples, photos, letters"), required=False)

    def customer(self, user):
        phone = (self.cleaned_data.get("customer_phone") or "").strip()
        if not phone:
            return None
        return (Customer.objects.restrict(user).filter(phone=phone).first()
                or Customer.objects.restrict(user).filter(phone_alt=phone).first())


class StepForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)


class AcceptForm(StepForm):
    joint_inspection = forms.BooleanField(label=_("Joint on-site inspection needed"),
                                          required=False)


class QAForm(StepForm):
    cause = forms.ChoiceField(label=pgettext_lazy("complaint", "Cause"), choices=[("", "—"), *Cause.choices],
                              required=False)
    upheld = forms.TypedChoiceField(label=_("Upheld"), required=False,
                                    choices=[("", "—"), ("yes", _("Upheld")),
                                             ("no", _("Not upheld"))],
                                    coerce=lambda v: {"yes": True, "no": False}.get(v),
                                    empty_value=None)
    kind = forms.ChoiceField(label=pgettext_lazy("complaint", "Kind"), choices=Kind.choices)
    supplier_involved = forms.BooleanField(label=_("A supplier is involved"), required=False)
    supplier_name = forms.CharField(label=_("Supplier"), required=False, max_length=100)


class NegotiationForm(StepForm):
    proposed_outcome = forms.ChoiceField(label=_("Outcome agreed"),
                                         choices=[("", "—"), *OutcomeKind.choices],
                                         required=False)
    proposed_amount = forms.DecimalField(label=_("Allowance amount"), required=False,
                                         min_value=0, max_digits=12, decimal_places=2)
    return_quantity = forms.DecimalField(label=_("Quantity to return or rework"),
                                         required=False, min_value=0, max_digits=12,
                                         decimal_places=2)


class CloseForm(forms.Form):
    returned_quantity = forms.DecimalField(label=_("Quantity the warehouse received"),
                                           required=False, min_value=0, max_digits=12,
                                           decimal_places=2)
    receivable_amount = forms.DecimalField(
        label=_("Receivable affected (left out of the collection bonus)"), required=False,
        min_value=0, max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why the customer rejects the decision"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))


class QAReportForm(forms.Form):
    text = forms.CharField(label=_("QA report"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Why it was late"), widget=forms.Textarea(attrs={"rows": 2}))


class ResponsibilityForm(forms.Form):
    """Up to four lines: department, person, share, administrative penalty; and the loss."""

    loss_actual = forms.DecimalField(label=_("Actual loss"), required=False, min_value=0,
                                     max_digits=12, decimal_places=2)
    loss_resale = forms.DecimalField(label=_("A-grade price loss on resale"), required=False,
                                     min_value=0, max_digits=12, decimal_places=2)
    resold_on = forms.DateField(label=_("Resold on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    LINES = 4

    def __init__(self, *args, departments=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.LINES):
            self.fields[f"department_{i}"] = forms.ChoiceField(
                label=_("Department"), required=False,
                choices=[("", "—"), *[(d.pk, d.name) for d in departments]])
            self.fields[f"person_{i}"] = forms.ChoiceField(
                label=_("Person"), required=False,
                choices=[("", _("the whole department")), *[(u.pk, str(u)) for u in people]])
            self.fields[f"ratio_{i}"] = forms.DecimalField(label=_("Share (%)"), required=False,
                                                           max_digits=5, decimal_places=2)
            self.fields[f"grade_{i}"] = forms.ChoiceField(label=_("Administrative penalty"),
                                                          choices=Grade.choices, required=False)

    def line_rows(self):
        return [[self[f"{k}_{i}"] for k in ("department", "person", "ratio", "grade")]
                for i in range(self.LINES)]


class ListFilter(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", _("all")), ("open", _("open")),
                                                        ("overdue", _("overdue")),
                                                        *Status.choices])
    kind = forms.ChoiceField(required=False, choices=[("", _("all kinds")), *Kind.choices])
    channel = forms.ChoiceField(required=False,
                                choices=[("", _("all channels")), *Channel.choices])
