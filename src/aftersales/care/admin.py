from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin

from .models import CareMessage, CareSettings, MessageTemplate


@admin.register(CareSettings)
class CareSettingsAdmin(admin.ModelAdmin):
    """The one row of care policy (house style rule 11)."""

    def has_add_permission(self, request):
        return not CareSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """What care messages say, per occasion and language ({customer} {product} {date}
    {holiday} {company}; a seminar's also {seminar} {place}); an occasion without a row uses the
    built-in text."""

    list_display = ("occasion", "language", "subject")
    list_filter = ("occasion", "language")


@admin.register(CareMessage)
class CareMessageAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "customer", "occasion", "key", "channel", "to")
    list_filter = ("occasion", "channel")
