"""The scenarios app's background jobs (run by ``urbis worker``)."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import TaskContext

from urbis.jobs.services import report


@task(takes_context=True)
def run_scenario_job(context: TaskContext, scenario_id: int, samples: int, seed: int,
                     user_id: int) -> int:
    """Compute a scenario and store the run; the scenario's page shows the steps. The user who
    queued it must still hold the editor role when the job starts (checked again by the
    service). Returns the stored run's id."""
    from django.contrib.auth import get_user_model

    from urbis.scenarios import services
    from urbis.scenarios.models import Scenario

    scenario = Scenario.objects.select_related("city", "inventory").get(pk=scenario_id)
    user = get_user_model().objects.get(pk=user_id)

    def progress(done: int, total: int, label: str) -> None:
        report(context, label, done, total)

    run = services.run_scenario(user, scenario, samples=samples, seed=seed, progress=progress)
    return run.pk
