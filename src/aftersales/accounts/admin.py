from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ServiceCentre, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "service_centre", "is_active")
    list_filter = ("role", "service_centre", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (("aftersales", {"fields": ("role", "service_centre", "phone")}),)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone", "time_zone")
    search_fields = ("code", "name")
