from django.contrib import admin

from .models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    """The installation checklist per product category is edited here (WK-5, WK-6)."""

    list_display = ["label", "category", "needs_value", "position", "active"]
    list_filter = ["category", "active"]
    list_editable = ["position", "active"]
    search_fields = ["label", "category"]
    fields = ["category", "label", "needs_value", "position", "active"]
