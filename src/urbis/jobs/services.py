"""Helpers every job shares: queueing with a subject, progress, the state a page shows, the
workers' heartbeats and the recovery of jobs that a dead worker left marked as running.

Recovery policy (docs/decisions/0009-database-task-queue.md): a job whose worker died is
**failed, visibly, with the reason**, never silently re-run. Re-running a job that killed its
worker (out of memory, say) would kill the next one too; the jobs here are cheap to start
again by hand (upload the file again) and their writes are whole or nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.base import Task, TaskContext
from django_tasks_db.models import DBTaskResult

from urbis.jobs.models import Progress, Worker

log = logging.getLogger(__name__)

#: How often a worker writes its heartbeat.
HEARTBEAT_SECONDS = 10


class WorkerLost(RuntimeError):
    """Recorded as the error of a job whose worker stopped while the job ran."""


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "URBIS_WORKER_STALE_SECONDS", 60)))


# --- Queueing and progress -------------------------------------------------------------------


def enqueue(task: Task[Any, Any], *args: Any, subject: str = "") -> str:
    """Queue ``task`` and, with a ``subject`` (e.g. ``energy.upload:12``), record it so that
    the subject's page can show the job. Runs in the caller's transaction: the job exists if
    and only if what the caller wrote is committed."""
    with transaction.atomic():
        result = task.enqueue(*args)
        if subject:
            Progress.objects.create(task_id=result.id, subject=subject[:100])
    return str(result.id)


def report(context: TaskContext | None, step: str, done: int | None = None,
           total: int | None = None) -> None:
    """Record how far the running job has come; pages poll it. Without a context (the job
    was called directly, e.g. from the command line) there is nothing to record."""
    if context is None:
        return
    Progress.objects.filter(task_id=context.task_result.id).update(
        step=step[:200], done=done, total=total, updated_at=timezone.now()
    )


@dataclass(frozen=True)
class JobState:
    """What a page shows of one job."""

    task_id: str
    status: str  # READY, RUNNING, SUCCESSFUL or FAILED (django_tasks' TaskResultStatus)
    step: str
    done: int | None
    total: int | None
    enqueued_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: str  # the last line of the failure, e.g. "WorkerLost: The worker … stopped …"
    workers_alive: int

    @property
    def finished(self) -> bool:
        return self.status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}

    @property
    def percent(self) -> int | None:
        if self.done is None or not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.task_id, "status": self.status, "step": self.step, "done": self.done,
            "total": self.total, "percent": self.percent, "error": self.error,
            "finished": self.finished, "workers_alive": self.workers_alive,
        }


def job_for(subject: str) -> JobState | None:
    """The latest job queued for ``subject``, read from the queue itself."""
    progress = Progress.objects.filter(subject=subject).order_by("-enqueued_at").first()
    if progress is None:
        return None
    row = DBTaskResult.objects.filter(pk=progress.task_id).first()
    if row is None:  # pruned from the queue's table
        return None
    error = ""
    if row.status == TaskResultStatus.FAILED:
        lines = [line for line in (row.traceback or "").strip().splitlines() if line.strip()]
        error = lines[-1] if lines else row.exception_class_path
    return JobState(
        task_id=str(row.pk), status=str(row.status), step=progress.step, done=progress.done,
        total=progress.total, enqueued_at=row.enqueued_at, started_at=row.started_at,
        finished_at=row.finished_at, error=error, workers_alive=live_workers().count(),
    )


# --- Workers and recovery --------------------------------------------------------------------


def new_worker_id() -> str:
    """Unique across hosts and restarts, and at most 64 characters (the queue's limit)."""
    host = socket.gethostname()[:40]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def register_worker(worker_id: str) -> None:
    now = timezone.now()
    Worker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now,
                  "seen_at": now},
    )


def beat(worker_id: str) -> None:
    if not Worker.objects.filter(worker_id=worker_id).update(seen_at=timezone.now()):
        register_worker(worker_id)


def unregister_worker(worker_id: str) -> None:
    Worker.objects.filter(worker_id=worker_id).delete()


def live_workers(now: dt.datetime | None = None) -> Any:
    now = now or timezone.now()
    return Worker.objects.filter(seen_at__gte=now - stale_after())


InterruptedHandler = Callable[..., None]
_on_interrupted: dict[str, InterruptedHandler] = {}


def on_interrupted(task: Task[Any, Any]) -> Callable[[InterruptedHandler], InterruptedHandler]:
    """Register what to do to a task's own records when a dead worker's job of that task is
    failed: the handler gets the job's arguments and ``reason=`` (a translated sentence)."""

    def register(handler: InterruptedHandler) -> InterruptedHandler:
        _on_interrupted[task.module_path] = handler
        return handler

    return register


def recover_interrupted(now: dt.datetime | None = None, *, restarted: str = "") -> list[str]:
    """Fail every job marked running by a worker that has stopped beating (killed, crashed,
    its machine restarted), with the reason, and let the task's handler mark its own records.
    ``restarted`` is the id of a worker that is starting: a job still marked as its own was
    left by its previous life (a worker restarted under the same id, e.g. by systemd), however
    fresh its heartbeat. Returns the ids of the jobs failed. Safe to run from several workers
    at once."""
    now = now or timezone.now()
    alive = set(live_workers(now).values_list("worker_id", flat=True)) - {restarted}
    failed: list[str] = []
    for candidate in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        last = candidate.worker_ids[-1] if candidate.worker_ids else ""
        if last in alive:
            continue
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=candidate.pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:
                continue  # finished meanwhile, or another worker recovered it
            started = row.started_at.strftime("%Y-%m-%d %H:%M:%S UTC") if row.started_at else "?"
            reason = _(
                "The worker %(worker)s stopped while this job ran (started %(started)s); "
                "the job did not finish."
            ) % {"worker": last or "?", "started": started}
            row.set_failed(WorkerLost(reason))
            handler = _on_interrupted.get(row.task_path)
            if handler is not None:
                handler(*row.args_kwargs["args"], **row.args_kwargs["kwargs"], reason=reason)
        log.warning("job %s (%s) failed: %s", row.pk, row.task_path, reason)
        failed.append(str(row.pk))
    Worker.objects.filter(seen_at__lt=now - 10 * stale_after()).delete()
    return failed


# --- Periodic jobs ---------------------------------------------------------------------------


def enqueue_if_due(task: Task[Any, Any], every: dt.timedelta,
                   now: dt.datetime | None = None) -> bool:
    """Queue ``task`` unless one was queued within ``every``: workers call this as they beat,
    so a periodic job needs no cron. Two workers may both queue it once; the periodic jobs
    here are idempotent."""
    now = now or timezone.now()
    recent = DBTaskResult.objects.filter(
        task_path=task.module_path, enqueued_at__gte=now - every
    ).exists()
    if recent:
        return False
    task.enqueue()
    return True


def backend_name() -> str:
    return str(default_task_backend.alias)
