from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin

from .clocks import policies_changed
from .models import Certificate, DeadlinePolicy, Shift, Skill, TechnicianProfile, WeatherNotice


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "needs_certificate")


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(TechnicianProfile)
class TechnicianProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "daily_capacity", "rotation_rank", "home_lat", "home_lon")
    list_filter = ("status", "user__service_centre", "skills")
    filter_horizontal = ("skills",)
    inlines = [CertificateInline, ShiftInline]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    """The service commitments, with the documents' defaults (DS-3, DS-4, SR-6, CP-15).
    A change applies to requests registered after it."""

    list_display = ("kind", "region_kind", "hours", "extended_hours", "working_time",
                    "warn_at_percent", "active")
    list_filter = ("kind", "active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        policies_changed()

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: processes cache policies for 30 s


@admin.register(WeatherNotice)
class WeatherNoticeAdmin(ReadOnlyAdmin):
    """Sent from the Bad weather page (dispatch.weather): read here, never changed."""

    list_display = ("day", "service_centre", "reason", "sent_by", "sent_at")
    list_filter = ("service_centre",)
    date_hierarchy = "day"
