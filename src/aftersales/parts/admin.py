from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin  # ledgers and documents: read, never edited here

from .models import (
    Loan,
    MaterialRequest,
    MaterialRequestLine,
    MaterialRequestPayment,
    Part,
    PartPrice,
    ReturnObligation,
    StockBalance,
    StockCount,
    StockCountLine,
    StockMove,
    Warehouse,
)
from .services.prices import part_price_set


class PartPriceInline(admin.TabularInline):
    """The price history, read only: a change is a new price (below, "part prices")."""

    model = PartPrice
    fields = ("valid_from", "cost", "price", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit_price", "unit", "category", "active")
    list_filter = ("active", "category")
    search_fields = ("code", "name")
    filter_horizontal = ("fits",)
    inlines = [PartPriceInline]

    def get_readonly_fields(self, request, obj=None):
        # once a part has a price history its unit price follows it (part_price_set)
        return ("unit_price",) if obj is not None and obj.prices.exists() else ()


@admin.register(PartPrice)
class PartPriceAdmin(admin.ModelAdmin):
    """Prices are added, never changed: saving calls parts.services.part_price_set."""

    list_display = ("part", "valid_from", "cost", "price", "created_by", "created_at")
    list_filter = ("valid_from",)
    search_fields = ("part__code", "part__name")
    autocomplete_fields = ("part",)
    fields = ("part", "valid_from", "cost", "price")

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # the form has checked the amounts and the one-price-a-day constraint already
        row = part_price_set(actor=request.user, part=obj.part, cost=obj.cost,
                             price=obj.price, valid_from=obj.valid_from)
        obj.pk = row.pk


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "service_centre", "technician", "dealer", "active")
    list_filter = ("kind", "active", "service_centre")
    search_fields = ("code", "name")


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("warehouse", "part", "quantity", "reorder_level", "updated_at")
    list_filter = ("warehouse__kind",)
    search_fields = ("part__code", "part__name", "warehouse__code")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ("at", "warehouse", "part", "kind", "quantity", "balance_after", "request",
                    "actor")
    list_filter = ("kind", "warehouse__kind")
    search_fields = ("part__code", "warehouse__code", "reference")
    date_hierarchy = "at"


@admin.register(ReturnObligation)
class ReturnObligationAdmin(ReadOnlyAdmin):
    """Faulty parts owed back (PT-3): made with the usage line, moved only by the services."""

    list_display = ("request", "part", "quantity", "owed_by", "due_on", "status",
                    "faulty_serial", "charge_amount")
    list_filter = ("status",)
    search_fields = ("part__code", "request__number", "faulty_serial", "new_serial")
    date_hierarchy = "due_on"


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    """Loans (PT-3) move stock: they are made and returned only through the services."""

    list_display = ("number", "warehouse", "part", "quantity", "customer", "dealer", "due_on",
                    "status")
    list_filter = ("status",)
    search_fields = ("number", "part__code", "customer__name", "dealer__name")


class MaterialRequestLineInline(admin.TabularInline):
    model = MaterialRequestLine
    fields = ("part", "quantity", "picked_quantity", "unit_price")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MaterialRequestPaymentInline(MaterialRequestLineInline):
    """A dealer's payments for its order, and refunds: a ledger, read here only."""

    model = MaterialRequestPayment
    fields = ("amount", "method", "reference", "note", "recorded_by", "recorded_at")
    readonly_fields = fields


@admin.register(MaterialRequest)
class MaterialRequestAdmin(ReadOnlyAdmin):
    """Material requests (PT-2) move through their workflow and ship stock: the admin only
    reads them."""

    list_display = ("number", "request", "dealer", "service_centre", "source", "destination",
                    "status", "chargeable", "shipping_number", "created_at")
    list_filter = ("status", "chargeable")
    search_fields = ("number", "shipping_number", "request__number", "dealer__name")
    inlines = [MaterialRequestLineInline, MaterialRequestPaymentInline]


class StockCountLineInline(MaterialRequestLineInline):
    model = StockCountLine
    fields = ("part", "expected", "counted", "unit_cost", "move")
    readonly_fields = fields


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    """Count sheets (PT-3) change stock only through their approval: the admin only reads them."""

    list_display = ("number", "warehouse", "status", "opened_by", "created_at", "approved_by",
                    "approved_at")
    list_filter = ("status", "warehouse__kind")
    search_fields = ("number", "warehouse__code", "warehouse__name")
    inlines = [StockCountLineInline]
