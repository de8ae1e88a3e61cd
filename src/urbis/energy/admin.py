from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from urbis.energy.models import (
    BestPractice,
    EnergyUpload,
    Entry,
    Initiative,
    PvInstallation,
    Season,
)

_RAW_OUTCOME = ["message_code", "message_values", "message"]


@admin.register(EnergyUpload)
class EnergyUploadAdmin(admin.ModelAdmin):
    list_display = ["file_name", "city", "status", "outcome", "rows", "uploaded_by", "created_at"]
    list_filter = ["city", "status", "source"]
    # The outcome is stored as a code and values; the admin shows it worded in the reader's
    # language (energy.outcomes.describe), not the raw code.
    exclude = _RAW_OUTCOME
    readonly_fields = [
        "outcome",
        *(f.name for f in EnergyUpload._meta.fields if f.name not in _RAW_OUTCOME),
    ]

    @admin.display(description=_("outcome"))
    def outcome(self, upload: EnergyUpload) -> str:
        return upload.status_line


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
