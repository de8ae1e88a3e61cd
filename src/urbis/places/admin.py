from django.contrib import admin

from urbis.places.models import Area, City


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "population", "is_published"]
    exclude = ["boundary", "bbox"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "city", "parent", "population"]
    list_filter = ["city", "level"]
    search_fields = ["name", "code"]
    exclude = ["geometry", "bbox", "centroid"]
