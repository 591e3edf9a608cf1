from django.contrib import admin

from .models import (
    AuditSample,
    Dealer,
    DealerContract,
    DealerFee,
    DealerJob,
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


@admin.register(DealerJob)
class DealerJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "dealer", "request", "state", "handed_at", "due_at", "completed_at"]
    list_filter = ["state", "kind", "source"]


admin.site.register(MonthlyReport)
admin.site.register(AuditSample)
