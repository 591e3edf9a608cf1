from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from . import services
from .models import Customer, InstalledProduct, MaintenanceContract, ProductModel


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
    """Created by contract_create, which numbers it (HT + YYMM + serial, no gaps)."""

    class Meta:
        model = MaintenanceContract
        fields = ("customer", "products", "starts_on", "ends_on", "fee")

    def service_call(self, data):
        return services.contract_create(actor=self.actor, **data)


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(ServiceAdmin):
    form = MaintenanceContractForm
    list_display = ("number", "customer", "starts_on", "ends_on", "fee")
    raw_id_fields = ("customer",)
    filter_horizontal = ("products",)

    def has_change_permission(self, request, obj=None):
        return False  # no service edits a contract yet: shown read-only
