"""The complaint policy tables are edited here (house style rule 11); the cases and their
penalties are read-only here — they change only through the services."""

from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin

from .models import (
    ApprovalAuthority,
    Complaint,
    ComplaintPolicy,
    Department,
    DepartmentMember,
    MonthlyReport,
    Penalty,
    RouteStep,
    StaffStrike,
)


class MemberInline(admin.TabularInline):
    model = DepartmentMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    inlines = [MemberInline]


@admin.register(RouteStep)
class RouteStepAdmin(admin.ModelAdmin):
    list_display = ("code", "department", "days_domestic", "days_foreign")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApprovalAuthority)
class ApprovalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("level", "name", "max_amount")
    filter_horizontal = ("users",)


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "domestic_case_days", "foreign_case_days", "warning_amount",
                    "minor_per_base", "cap_ratio", "updated_at")

    def has_add_permission(self, request):
        return not ComplaintPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("number", "channel", "kind", "status", "received_at", "closed_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "contact_name", "order_ref")


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "person", "department", "kind", "amount", "month")
    list_filter = ("kind", "month")


@admin.register(StaffStrike)
class StaffStrikeAdmin(ReadOnlyAdmin):
    list_display = ("person", "number", "consequence", "complaint")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("month", "produced_at")
