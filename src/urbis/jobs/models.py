"""What the platform keeps about its jobs besides the queue itself (django_tasks_db's table)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Worker(models.Model):
    """A running ``urbis worker``: it writes ``seen_at`` every few seconds while it lives, so a
    job marked running by a worker that stopped writing is known to be orphaned."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.IntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class Progress(models.Model):
    """How far a job has come, and which record it works on (``subject``, e.g.
    ``energy.upload:12``) so that the record's page can find its job."""

    task_id = models.UUIDField(_("task"), primary_key=True)
    subject = models.CharField(_("subject"), max_length=100, db_index=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.BigIntegerField(_("done"), null=True, blank=True)
    total = models.BigIntegerField(_("total"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-enqueued_at"]
        verbose_name = _("job progress")
        verbose_name_plural = _("job progress")

    def __str__(self) -> str:
        return f"{self.subject}: {self.step}"
