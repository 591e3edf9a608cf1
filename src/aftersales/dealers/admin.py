from django.contrib import admin

from .models import (
    AuditSample,
    Dealer,
    DealerContract,
    DealerFee,
    DealerJob,
    DealerJobPart,
    DealerUser,
    MonthlyReport,
    Region,
)


class FeeInline(admin.TabularInline):
    model = DealerFee
    extra = 0


@admin.register(DealerContract)
class DealerContractAdmin(admin.ModelAdmin):
    list_display = ["number", "dealer", "starts_on", "ends_on"]
    inlines = [FeeInline]


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "state", "service_centre"]
    list_filter = ["state"]
    search_fields = ["code", "name"]


admin.site.register(Region)
admin.site.register(DealerUser)


class JobPartInline(admin.TabularInline):
    """The parts the dealer fitted, read-only: they leave its stock and owe faulty parts back
    only through ``dealer_job_complete``."""

    model = DealerJobPart
    extra = 0
    fields = readonly_fields = ["part", "quantity", "unit_price", "charged"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DealerJob)
class DealerJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "dealer", "request", "state", "handed_at", "due_at", "completed_at"]
    list_filter = ["state", "kind", "source"]
    raw_id_fields = ["installed_product"]  # a million units: no select of them all
    inlines = [JobPartInline]


admin.site.register(MonthlyReport)
admin.site.register(AuditSample)
