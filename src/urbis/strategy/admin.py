from typing import Any

from django.contrib import admin

from urbis.strategy import models


class MilestoneInline(admin.TabularInline):
    model = models.Milestone
    extra = 0


class FundingInline(admin.TabularInline):
    model = models.FundingSource
    extra = 0


@admin.register(models.Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "city", "start_year", "end_year", "is_published")
    list_filter = ("city", "is_published")


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("title", "strategy", "kind", "target_year")
    list_filter = ("strategy__city", "kind")


class PartnerInline(admin.TabularInline):
    model = models.ActionPartner
    extra = 0


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ("title", "strategy", "status", "horizon", "is_ppp", "is_citizen_driven")
    list_filter = ("strategy__city", "status", "is_ppp", "is_citizen_driven")
    inlines = [PartnerInline, MilestoneInline, FundingInline]


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "framework", "theme", "city")
    list_filter = ("framework", "theme")
    search_fields = ("code", "name")


@admin.register(models.Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "city", "area", "date", "value")
    list_filter = ("city",)


@admin.register(models.ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("title", "strategy", "period_start", "period_end", "published_at")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # published reports are records


@admin.register(models.Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "model", "object_id", "field", "changed_by")
    list_filter = ("model",)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
