from django.contrib import admin

from .models import ReadyAnswer, ShippingFeeRule, Shop


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "platform", "shipping_fee", "active"]


@admin.register(ShippingFeeRule)
class ShippingFeeRuleAdmin(admin.ModelAdmin):
    """EC-2: who pays the return shipping, by reason (the seed's defaults at install)."""

    list_display = ["reason", "payer", "note"]


@admin.register(ReadyAnswer)
class ReadyAnswerAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "active"]
    list_filter = ["kind", "language", "active"]
    search_fields = ["title", "body"]
