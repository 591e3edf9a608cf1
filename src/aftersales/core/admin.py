from django.contrib import admin

from .models import CalendarDay, Event, ObjectChange
from .services import calendar_day_clear, calendar_day_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Corrections go through the calendar service, which refreshes cached calendars."""

    list_display = ("date", "service_centre", "is_working", "note")
    list_filter = ("service_centre", "is_working")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            calendar_day_clear(actor=request.user, centre=obj.service_centre, day=form.initial["date"])
        saved = calendar_day_set(actor=request.user, centre=obj.service_centre, day=obj.date,
                                 is_working=obj.is_working, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_clear(actor=request.user, centre=obj.service_centre, day=obj.date)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "from_state", "to_state", "actor", "content_type", "object_id")
    list_filter = ("action", "content_type")


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "object_repr", "actor", "content_type")
    list_filter = ("action", "content_type")
