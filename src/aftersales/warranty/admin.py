from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from . import services
from .models import WarrantyOutcome, WarrantyPolicy


class WarrantyPolicyForm(forms.ModelForm):
    """Saved through services.policy_set (one path, one set of rules)."""

    actor = None

    class Meta:
        model = WarrantyPolicy
        fields = ("category", *services.POLICY_FIELDS)

    def _post_clean(self):
        if self._errors:
            return
        data = dict(self.cleaned_data)
        data.setdefault("category", self.instance.category)  # read-only once made
        try:
            with transaction.atomic():
                self.instance = services.policy_set(
                    actor=self.actor, expected_version=self.instance.version if self.instance.pk
                    else None, **data)
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc}
            for field, messages in errors.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    form = WarrantyPolicyForm
    list_display = ("__str__", *services.POLICY_FIELDS)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ("category",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        pass  # saved by the service when the form was validated


@admin.register(WarrantyOutcome)
class WarrantyOutcomeAdmin(admin.ModelAdmin):
    """Read-only: outcomes are decided on the request page, never edited."""

    list_display = ("number", "request", "kind", "refund_amount", "decided_by", "decided_at")
    list_filter = ("kind",)
    search_fields = ("number", "request__number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
