"""The demo's background job: the slow demo steps, loaded by the worker while the demo serves."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import TaskContext

from urbis.jobs.services import report


@task(takes_context=True)
def load_slow_steps(context: TaskContext) -> str:
    """Run every slow demo step in order (each is an upsert, so a second run changes nothing);
    the banner of every page shows which step runs."""
    from urbis.demo import loader, services

    steps = loader.slow_steps()
    for number, (label, step) in enumerate(steps):
        report(context, label, number, len(steps))
        step()
    report(context, "", len(steps), len(steps))
    services.finished_loading()
    return f"{len(steps)} steps"
