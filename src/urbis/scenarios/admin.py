from django.contrib import admin

from urbis.scenarios.models import (
    EmissionFactor,
    Inventory,
    InventoryRow,
    Measure,
    Scenario,
    ScenarioRun,
)


class RowInline(admin.TabularInline):
    model = InventoryRow
    extra = 0


@admin.register(Inventory)
class InventoryAdmin(admin.ModelAdmin):
    list_display = ("city", "kind", "year", "is_illustrative", "is_published")
    inlines = [RowInline]


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("city", "slug", "title", "is_published")
    inlines = [MeasureInline]


admin.site.register(EmissionFactor)
admin.site.register(ScenarioRun)
