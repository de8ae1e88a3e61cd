from __future__ import annotations

from typing import Any

from django.contrib import admin

from urbis.jobs.models import Progress, Worker


class ReadOnly(admin.ModelAdmin):
    """Written by the workers only."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Worker)
class WorkerAdmin(ReadOnly):
    list_display = ("worker_id", "host", "pid", "started_at", "seen_at")


@admin.register(Progress)
class ProgressAdmin(ReadOnly):
    list_display = ("subject", "step", "done", "total", "enqueued_at", "updated_at", "task_id")
    search_fields = ("subject",)
