from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    FeedbackSettings,
    FollowUpCall,
    FollowUpCase,
    OutboundMessage,
    Survey,
    VisitTask,
)


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):
    """The one row of survey and follow-up policy (house style rule 11)."""

    filter_horizontal = ("notify_users",)
    fieldsets = (
        (_("Surveys"), {"fields": ("survey_hour", "survey_valid_days",
                                                "reminder_after_days")}),
        (_("Routing"), {"fields": ("low_score_max", "serious_score_max", "complaint_words",
                                          "serious_words", "notify_users", "visit_due_days")}),
        (_("Follow-up calls"), {"fields": ("call_delay_days", "call_max_attempts",
                                                  "script_after_repair",
                                                  "script_after_complaint")}),
        (_("Sending"), {"fields": ("send_max_attempts", "retry_minutes")}),
    )

    def has_add_permission(self, request):
        return not FeedbackSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "notify_users":
            from aftersales.accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_active=True).exclude(role="customer")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("request", "customer", "technician", "channel", "due_at", "sent_at",
                    "answered_at")
    list_filter = ("channel",)
    search_fields = ("request__number", "customer__name")
    raw_id_fields = ("request", "customer", "technician")
    readonly_fields = ("attitude", "skill", "punctuality", "promise", "comment", "may_call",
                       "answered_at", "answered_via", "sent_at", "reminded_at")


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "service_centre", "status", "serious", "reply_due_at")
    list_filter = ("status", "serious", "service_centre")
    search_fields = ("number", "request__number", "customer__name")
    raw_id_fields = ("request", "customer", "survey", "call", "handler")
    readonly_fields = ("status",)


@admin.register(FollowUpCall)
class FollowUpCallAdmin(admin.ModelAdmin):
    list_display = ("request", "kind", "status", "due_at", "attempts", "called_by")
    list_filter = ("kind", "status")
    search_fields = ("request__number",)
    raw_id_fields = ("request", "case", "called_by")
    readonly_fields = ("status",)


@admin.register(VisitTask)
class VisitTaskAdmin(admin.ModelAdmin):
    list_display = ("customer", "service_centre", "assigned_to", "due_on", "status")
    list_filter = ("status", "service_centre")
    raw_id_fields = ("case", "request", "customer", "assigned_to")
    readonly_fields = ("status",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Read-only: what was sent, what failed and why (survey links are never stored)."""

    list_display = ("kind", "channel", "destination", "status", "attempts", "created_at",
                    "sent_at")
    list_filter = ("kind", "channel", "status")
    search_fields = ("destination",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
