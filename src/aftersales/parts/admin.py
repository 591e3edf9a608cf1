from django.contrib import admin

from .models import Part, StockBalance, StockMove, Warehouse

admin.site.register(Part)


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "service_centre", "technician", "dealer", "active")
    list_filter = ("kind", "active", "service_centre")
    search_fields = ("code", "name")


class ReadOnly(admin.ModelAdmin):
    """Stock changes only through parts.services (moves are a ledger): the admin only reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnly):
    list_display = ("warehouse", "part", "quantity", "reorder_level", "updated_at")
    list_filter = ("warehouse__kind",)
    search_fields = ("part__code", "part__name", "warehouse__code")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnly):
    list_display = ("at", "warehouse", "part", "kind", "quantity", "balance_after", "request",
                    "actor")
    list_filter = ("kind", "warehouse__kind")
    search_fields = ("part__code", "warehouse__code", "reference")
    date_hierarchy = "at"
