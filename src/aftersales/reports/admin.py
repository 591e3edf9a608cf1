from django.contrib import admin

from .models import Report, ReportRun, ReportSchedule
from .services import schedule_start


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    """When reports are produced. Saving restarts the schedule from its next run."""

    list_display = ("kind", "enabled", "run_at", "weekday", "month_day", "next_run_at",
                    "last_run_at")
    fields = ("kind", "enabled", "run_at", "weekday", "month_day", "next_run_at", "last_run_at")
    readonly_fields = ("last_run_at",)

    def save_model(self, request, obj, form, change):
        if change and {"run_at", "weekday", "month_day"} & set(form.changed_data):
            obj.next_run_at = None  # recomputed from the new time by schedule_start
        super().save_model(request, obj, form, change)
        schedule_start(actor=request.user, schedule=obj)


class ReportRunInline(admin.TabularInline):
    model = ReportRun
    fields = ("created_at", "trigger", "status", "progress", "requested_by", "finished_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports change through their pages (runs and sign-off steps)."""

    list_display = ("kind", "service_centre", "period_start", "period_end", "state")
    list_filter = ("kind", "state", "service_centre")
    date_hierarchy = "period_start"
    inlines = [ReportRunInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ("report", "trigger", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "trigger", "report__kind")
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
