"""The energy app's background jobs (run by ``urbis worker``)."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import TaskContext

from urbis.jobs.services import on_interrupted, report


@task(takes_context=True)
def ingest_upload(context: TaskContext, upload_id: int) -> str:
    """Check and store one uploaded readings file; the upload's page shows the steps."""
    from urbis.energy import services

    upload = services.process_upload(upload_id, progress=lambda step: report(context, step))
    return str(upload.status)


@on_interrupted(ingest_upload)
def _upload_interrupted(upload_id: int, *, reason: str) -> None:
    from urbis.energy import services

    services.fail_interrupted(upload_id, reason)
