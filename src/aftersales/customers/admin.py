from django.contrib import admin

from .models import Customer, InstalledProduct, MaintenanceContract, ProductModel


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "region_kind", "kind", "service_centre")
    list_filter = ("region_kind", "kind", "service_centre")
    search_fields = ("name", "phone", "address")
    raw_id_fields = ("referred_by", "user")


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "warranty_months", "service_fee")
    search_fields = ("code", "name")


@admin.register(InstalledProduct)
class InstalledProductAdmin(admin.ModelAdmin):
    list_display = ("serial", "model", "customer", "purchased_on", "warranty_ends_on")
    search_fields = ("serial", "customer__name")
    raw_id_fields = ("customer",)
    readonly_fields = ("warranty_ends_on",)


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "starts_on", "ends_on", "fee")
    raw_id_fields = ("customer",)
    filter_horizontal = ("products",)
