from django.contrib import admin

from urbis.energy.models import (
    BestPractice,
    EnergyUpload,
    Entry,
    Initiative,
    PvInstallation,
    Season,
)


@admin.register(EnergyUpload)
class EnergyUploadAdmin(admin.ModelAdmin):
    list_display = ["file_name", "city", "status", "rows", "uploaded_by", "created_at"]
    list_filter = ["city", "status", "source"]
    readonly_fields = [f.name for f in EnergyUpload._meta.fields]


@admin.register(PvInstallation)
class PvInstallationAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "capacity_kwp", "commissioned_year", "is_illustrative"]
    list_filter = ["area__city"]


class InitiativeInline(admin.TabularInline):
    model = Initiative
    extra = 0


@admin.register(Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "baseline_year", "scoring_year"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["team_name", "area", "season", "households"]
    list_filter = ["season"]
    inlines = [InitiativeInline]


@admin.register(BestPractice)
class BestPracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "season", "is_published"]
    list_filter = ["season", "kind"]
