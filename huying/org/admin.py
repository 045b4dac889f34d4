from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from huying.org.models import Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "contact_name", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent",)


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "unit", "role", "is_active")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "last_name", "unit__name")
    autocomplete_fields = ("unit",)
    fieldsets = (*UserAdmin.fieldsets, (_("岗位"), {"fields": ("unit", "role", "phone")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("岗位"), {"fields": ("unit", "role", "phone")}))
