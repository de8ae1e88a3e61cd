from typing import Any

from django.contrib import admin

from urbis.engagement.models import (
    Comment,
    Idea,
    ModerationEvent,
    Process,
    Registration,
    Report,
    Study,
    UsabilityTask,
    Workshop,
)


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "collecting_starts", "voting_ends", "is_published"]
    list_filter = ["city", "is_published"]
    search_fields = ["title"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "status", "vote_count", "is_hidden", "created_at"]
    list_filter = ["status", "is_hidden", "process__city"]
    search_fields = ["title", "body"]
    # Votes move only through the services (F() updates); never by hand.
    readonly_fields = ["vote_count", "threshold_reached_at", "body_html", "official_answer_html"]
    raw_id_fields = ["author", "duplicate_of", "area", "workshop"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    raw_id_fields = ["idea", "parent", "author"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["idea", "comment", "reason", "created_at", "resolved_at"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "city", "idea", "kind", "actor", "description"]
    list_filter = ["kind", "city"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # the history is append-only


class TaskInline(admin.TabularInline):
    model = UsabilityTask
    extra = 0


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "kind", "opens", "closes"]
    inlines = [TaskInline]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "starts_at", "capacity"]
    inlines = [RegistrationInline]
