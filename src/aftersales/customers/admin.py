from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import services
from .choices import FaultCause, contract_default_excluded
from .models import ContractRenewal, Customer, InstalledProduct, MaintenanceContract, ProductModel


class ServiceForm(forms.ModelForm):
    """An admin form whose save is a service call (house style rule 1), made when the form is
    validated so that the service's ValidationError shows on the form instead of a 500. The
    admin's add/change view is one transaction; the call has its own savepoint. The model's
    own validation is left to the service (it sets fields the form does not have)."""

    actor = None  # the admin's user, set by ServiceAdmin.get_form

    def service_call(self, data: dict):
        raise NotImplementedError

    def _post_clean(self):
        if self._errors:
            return
        try:
            with transaction.atomic():
                self.instance = self.service_call(dict(self.cleaned_data))
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc}
            for field, messages in errors.items():
                self.add_error(field if field in self.fields else None, messages)


class ServiceAdmin(admin.ModelAdmin):
    """Saves through the form's service call: nothing left to save afterwards."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        pass  # saved by the service when the form was validated

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "region_kind", "kind", "service_centre")
    list_filter = ("region_kind", "kind", "service_centre")
    search_fields = ("name", "phone", "address")
    raw_id_fields = ("referred_by", "user")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "warranty_months", "service_fee")
    search_fields = ("code", "name")


class InstalledProductForm(ServiceForm):
    """Registered by installed_product_register (warranty end from the model's months), edited by
    installed_product_update (recomputed when the model or purchase date changes)."""

    class Meta:
        model = InstalledProduct
        fields = services.INSTALLED_FIELDS

    def service_call(self, data):
        if self.instance.pk is None:
            return services.installed_product_register(actor=self.actor, **data)
        changes = {f: data[f] for f in self.changed_data if f in data}
        return services.installed_product_update(
            actor=self.actor, product=self.instance, expected_version=self.instance.version,
            **changes)


@admin.register(InstalledProduct)
class InstalledProductAdmin(ServiceAdmin):
    form = InstalledProductForm
    list_display = ("serial", "model", "customer", "purchased_on", "warranty_ends_on")
    search_fields = ("serial", "customer__name")
    raw_id_fields = ("customer",)
    readonly_fields = ("warranty_ends_on",)


class MaintenanceContractForm(ServiceForm):
    """Created by contract_create, which numbers it (HT + YYMM + serial, no gaps); edited by
    contract_update (an event for each change)."""

    excluded_causes = forms.MultipleChoiceField(
        label=_("causes not covered"), choices=FaultCause.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=contract_default_excluded)

    class Meta:
        model = MaintenanceContract
        fields = ("customer", "products", "starts_on", "ends_on", "fee", "excluded_causes",
                  "responsible", "note")

    def service_call(self, data):
        if self.instance.pk is None:
            return services.contract_create(actor=self.actor, **data)
        changes = {f: data[f] for f in self.changed_data if f in data and f != "customer"}
        if "customer" in self.changed_data:
            raise ValidationError({"customer": [_("A contract's customer cannot be changed.")]})
        return services.contract_update(actor=self.actor, contract=self.instance,
                                        expected_version=self.instance.version, **changes)


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(ServiceAdmin):
    form = MaintenanceContractForm
    list_display = ("number", "customer", "starts_on", "ends_on", "fee", "responsible")
    list_filter = ("ends_on",)
    search_fields = ("number", "customer__name")
    raw_id_fields = ("customer", "responsible")
    filter_horizontal = ("products",)
    readonly_fields = ("number", "previous")

    def has_delete_permission(self, request, obj=None):
        return False  # a numbered contract stays; end it early by editing its period


@admin.register(ContractRenewal)
class ContractRenewalAdmin(admin.ModelAdmin):
    """Read-only: renewals are opened by the daily sweep and decided on the renewals page."""

    list_display = ("contract", "due_on", "responsible", "notified_at", "outcome", "lost_reason")
    list_filter = ("outcome", "lost_reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
