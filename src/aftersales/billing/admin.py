from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin  # money documents: read, never edited here
from aftersales.core.changelog import snapshot

from .models import BillingSettings, ChargeSheet, Handover, Payment, Quote, ServiceFee
from .services import policy_delete, policy_save


class PolicyAdmin(admin.ModelAdmin):
    """Policy tables: every save and delete through billing's services (change log)."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        policy_save(actor=request.user, instance=obj, before=before)

    def delete_model(self, request, obj):
        policy_delete(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            policy_delete(actor=request.user, instance=obj)


@admin.register(ServiceFee)
class ServiceFeeAdmin(PolicyAdmin):
    list_display = ("category", "fee", "hourly_rate", "note")
    search_fields = ("category",)


@admin.register(BillingSettings)
class BillingSettingsAdmin(PolicyAdmin):
    list_display = ("follow_up_days", "on_site_limit", "hourly_rate")

    def has_add_permission(self, request):
        return not BillingSettings.objects.exists()


@admin.register(ChargeSheet)
class ChargeSheetAdmin(ReadOnlyAdmin):
    list_display = ("number", "request", "customer", "category", "total", "issued_at")
    search_fields = ("number", "request__number", "customer__name")


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ("number", "request", "total", "state", "decided_via", "decided_at")
    search_fields = ("number", "request__number")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("number", "customer", "amount", "method", "received_by", "received_at")
    search_fields = ("number", "customer__name")


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("day", "technician", "state", "counted", "difference", "confirmed_by")
