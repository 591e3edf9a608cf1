"""Serializers check the shape of input and present output; the rules live in services."""

import copy

from django.db import models
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User
from aftersales.customers.models import Customer, InstalledProduct, ProductModel
from aftersales.parts.models import Part
from aftersales.service.choices import Cause, Kind
from aftersales.service.models import LaborEntry, PartUsage, ServiceRequest
from aftersales.service.services import REGISTRATION_CUSTOMER_FIELDS, REGISTRATION_PRODUCT_FIELDS

from .fields import DateTimeField, OwnerOfRelatedField, RestrictedPrimaryKeyRelatedField


def _holds_fields(field) -> bool:
    return any(hasattr(field, name) for name in ("child", "child_relation", "fields"))


def _copied(field):
    """A shallow copy of a field: what ``copy.copy`` makes of it (a new instance with the same
    attributes), without the generic protocol ``copy.copy`` goes through (half of a model
    serializer's instantiation in bench/intake's profile)."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


def _per_class_and_language(cls, attribute: str, derive):
    """What ``derive()`` gives for this class in the current language, derived once."""
    by_language = cls.__dict__.get(attribute)
    if by_language is None:
        by_language = {}
        setattr(cls, attribute, by_language)
    language = get_language()
    derived = by_language.get(language)
    if derived is None:
        derived = by_language[language] = derive()
    return derived


class ModelSerializer(serializers.ModelSerializer):
    """DRF derives a model serializer's fields from the model on every instance (a third of the
    serializer's time in bench/intake); they depend only on the class and the language, so derive
    them once per class and language. Each instance gets its own copy of each field, since
    ``bind`` sets the field's name and parent on it: a shallow copy for plain fields (what they
    hold — choices, validators, a queryset that is cloned on use — is only read), a deep one for
    fields holding other fields.

    Per language, because building a field translates some of its messages for good: DRF's
    validators format theirs once and keep the result (``lazy_format``), and a unique field's
    message is %-formatted when built. Fields shared by all languages would answer every request
    in the language of the first one a process served.

    The serializer's own validators (the model's unique constraints and ``unique_for_date``
    fields) are derived from the model on every instance too (2.4 % of an API create's CPU in
    bench/intake's profile): they are kept the same way, per class and language, and each
    instance gets the list (the validators themselves hold only names, a manager and messages)."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: DateTimeField}

    def get_fields(self):
        derived = _per_class_and_language(type(self), "_derived_fields", self._fields_derive)
        return {name: copy.deepcopy(field) if holds_fields else _copied(field)
                for name, field, holds_fields in derived}

    def _fields_derive(self) -> list:
        return [(name, field, _holds_fields(field))
                for name, field in super().get_fields().items()]

    def get_validators(self):
        return list(_per_class_and_language(type(self), "_derived_validators",
                                            super().get_validators))


class CustomerSerializer(ModelSerializer):
    phone = serializers.CharField(max_length=40)
    birthday = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "address", "region_kind", "kind", "birthday",
                  "phone_alt", "email", "language", "version"]
        read_only_fields = ["id", "version"]


class ProductModelSerializer(ModelSerializer):
    class Meta:
        model = ProductModel
        fields = ["id", "code", "name", "category", "warranty_months", "service_fee", "version"]
        read_only_fields = ["id", "version"]
        extra_kwargs = {"code": {"validators": []}}


class InstalledProductSerializer(ModelSerializer):
    customer = RestrictedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.all())
    phase = serializers.SerializerMethodField()

    class Meta:
        model = InstalledProduct
        fields = ["id", "customer", "model", "serial", "purchased_on", "installed_on",
                  "warranty_ends_on", "phase", "dealer", "address", "region_kind", "version"]
        read_only_fields = ["id", "warranty_ends_on", "phase", "version"]
        validators = []  # one serial per model is checked by the service, with its own message

    @extend_schema_field(serializers.ChoiceField(choices=["unboxing", "in_warranty", "out_of_warranty"]))
    def get_phase(self, obj) -> str:
        return obj.phase


class ClockSerializer(serializers.Serializer):
    kind = serializers.CharField()
    state = serializers.CharField()
    due_at = DateTimeField(allow_null=True)
    warn_at = DateTimeField(allow_null=True)
    remaining_seconds = serializers.IntegerField(allow_null=True)
    breached = serializers.BooleanField()
    extension_reason = serializers.CharField()


# One instance presents every request's clocks: its fields are built once and only read (a
# ClockSerializer per request cost two thirds of presenting its clocks, bench/intake; a list
# page presents 25 requests).
_CLOCK_ROW = ClockSerializer()


class ServiceRequestSerializer(ModelSerializer):
    # Read together when both are given (one query), with what registration uses alone.
    customer = OwnerOfRelatedField(
        queryset=Customer.objects.only(*REGISTRATION_CUSTOMER_FIELDS),
        object_field="installed_product", owner_attr="customer")
    installed_product = RestrictedPrimaryKeyRelatedField(  # the model gives warranty and fee
        queryset=InstalledProduct.objects.select_related("model").only(
            *REGISTRATION_PRODUCT_FIELDS), required=False, allow_null=True)
    service_centre = serializers.PrimaryKeyRelatedField(
        queryset=ServiceCentre.objects.all(), required=False)
    cause = serializers.ChoiceField(choices=Cause.choices, required=False, allow_blank=True)
    reported_at = DateTimeField(required=False)
    internal = serializers.BooleanField(required=False, default=False)
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, default=Kind.REPAIR,
        help_text="repair (default), installation (WK-5) or maintenance (PM-1); the last two "
                  "need installed_product.")
    customer_agreed = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="The customer has already agreed to a charge (SR-4); skips awaiting_agreement.")
    clocks = serializers.SerializerMethodField(
        help_text="Deadline clocks: arrival (DS-3), dealer resolution (DS-4), reply (SR-6).")

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "number", "customer", "installed_product", "channel", "description",
            "reported_at", "internal", "kind", "cause", "in_warranty", "chargeable", "category",
            "status", "arrive_by", "service_centre", "urgency", "estimated_charge",
            "customer_agreed", "customer_agreed_at", "assigned_technician", "appointment_at",
            "fault_found", "fault_cause", "action_taken", "completed_at", "closed_at",
            "created_at", "updated_at", "version", "clocks",
        ]
        read_only_fields = [
            "id", "number", "in_warranty", "chargeable", "category", "status", "arrive_by",
            "estimated_charge", "customer_agreed_at", "assigned_technician", "appointment_at",
            "fault_found", "fault_cause", "action_taken", "completed_at", "closed_at",
            "created_at", "updated_at", "version",
        ]


    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, obj):
        from aftersales.dispatch.clocks import remaining

        rows = []
        for clock in obj.clocks.all():
            left = remaining(clock, obj.service_centre)
            rows.append({"kind": clock.kind, "state": clock.state, "due_at": clock.due_at,
                         "warn_at": clock.warn_at, "breached": clock.breached,
                         "remaining_seconds": int(left.total_seconds()) if left is not None else None,
                         "extension_reason": clock.extension_reason})
        return [_CLOCK_ROW.to_representation(row) for row in rows]


class RepairedFirstSerializer(ServiceRequestSerializer):
    """先抢修后补单 (DS-6): a call registered after a technician was sent on the emergency —
    the registration's fields (``reported_at`` required) and who went, when he arrived, why."""

    reported_at = DateTimeField(help_text="When the call came in.")
    technician = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.TECHNICIAN), write_only=True,
        help_text="The technician who was sent (the request's centre's).")
    arrived_at = DateTimeField(write_only=True, help_text="When he arrived on site.")
    repaired_first = serializers.CharField(
        max_length=300, help_text="Why the repair could not wait for its paperwork.")

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "technician", "arrived_at",
                  "repaired_first"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ServiceRequestUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False)
    urgency = serializers.ChoiceField(choices=ServiceRequest._meta.get_field("urgency").choices,
                                      required=False)
    cause = serializers.ChoiceField(choices=Cause.choices, required=False, allow_blank=True)
    installed_product = RestrictedPrimaryKeyRelatedField(
        queryset=InstalledProduct.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class AssignSerializer(NoteSerializer):
    technician = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role="technician"))
    appointment_at = DateTimeField(required=False, allow_null=True)


class SignSerializer(NoteSerializer):
    signer_name = serializers.CharField()
    signature = serializers.CharField(help_text="PNG image as a data: URL")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class RescheduleSerializer(NoteSerializer):
    note = serializers.CharField()
    next_visit_at = DateTimeField(required=False, allow_null=True)


class CarryInSerializer(NoteSerializer):
    items = serializers.CharField()
    signer_name = serializers.CharField()
    signature = serializers.CharField()
    return_due_on = serializers.DateField(required=False, allow_null=True)


class FinishRepairSerializer(serializers.Serializer):
    work_done = serializers.CharField()
    version = serializers.IntegerField(required=False)


class InspectSerializer(NoteSerializer):
    passed = serializers.BooleanField()


class RecordWorkSerializer(serializers.Serializer):
    fault_found = serializers.CharField()
    fault_cause = serializers.CharField()
    action_taken = serializers.CharField()
    cause = serializers.ChoiceField(choices=Cause.choices, required=False)
    version = serializers.IntegerField(required=False)


class LaborSerializer(ModelSerializer):
    class Meta:
        model = LaborEntry
        fields = ["id", "technician", "hours", "at_bench", "note", "created_at"]
        read_only_fields = ["id", "technician", "at_bench", "created_at"]


class PartUsageSerializer(ModelSerializer):
    part = serializers.PrimaryKeyRelatedField(queryset=Part.objects.all())
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = PartUsage
        fields = ["id", "part", "quantity", "unit_price", "charged", "amount", "created_at"]
        read_only_fields = ["id", "unit_price", "charged", "amount", "created_at"]


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    at = DateTimeField()
    note = serializers.CharField()
    data = serializers.JSONField()


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
