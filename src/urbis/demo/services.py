"""Starting the demo's background load and telling pages how far it has come.

Why a background load: a year of modelled hourly energy readings per city and two years of
measured daily ones take one to two minutes a city on a small machine, longer than a newcomer
should wait for the first page (docs/PERFORMANCE.md, "First page from a fresh clone"). No page
needs them to work: energy pages show an empty map until they are stored.
"""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import TaskResultStatus

from urbis.jobs import services as jobs
from urbis.jobs.services import JobState

SUBJECT = "demo.slow-steps"
#: Set while a background load may be unfinished, so that pages read the queue only then.
LOADING_KEY = "urbis.demo.loading"
#: True in the process that started a load (``urbis demo`` serves from that very process), so
#: that no other deployment pays even the cache read on its pages.
_watching = False


def start_loading() -> str:
    """Queue the slow steps for the worker; returns the job's id."""
    global _watching
    from urbis.demo.tasks import load_slow_steps

    task_id = jobs.enqueue(load_slow_steps, subject=SUBJECT)
    cache.set(LOADING_KEY, task_id, timeout=None)
    _watching = True
    return task_id


def finished_loading() -> None:
    global _watching
    cache.delete(LOADING_KEY)
    _watching = False


def loading_state() -> JobState | None:
    """The background load while it waits, runs or has failed; None once it succeeded (or was
    never started). Costs nothing outside the process that started a load, and one cache read
    per page in it until the load has succeeded."""
    if not _watching:
        return None
    if not cache.get(LOADING_KEY):
        finished_loading()
        return None
    state = jobs.job_for(SUBJECT)
    if state is None or state.status == TaskResultStatus.SUCCESSFUL:
        finished_loading()
        return None
    return state
