from django.contrib import admin

from huying.geo.models import Building


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "address", "grid", "lat", "lon")
    search_fields = ("name", "aliases", "address")
    list_filter = ("grid__parent",)
    autocomplete_fields = ("grid",)
