"""The policy app's background jobs (run by ``urbis worker``)."""

from __future__ import annotations

from django_tasks import task

#: What ``jobs.services.job_for`` finds the daily snapshot's latest job by.
SNAPSHOT_SUBJECT = "policy.snapshot"


@task()
def record_snapshot() -> dict[str, object]:
    """Record the day's point of every network figure, dated by the day the worker runs it.

    Idempotent per day: a second run on the same day rewrites that day's points with the
    figures as they are then (one point per figure and day, a database constraint) and leaves
    every earlier day as it was. Returns the date and how many figures were recorded."""
    from urbis.policy import services

    points = services.snapshot()
    return {"date": points[0].date.isoformat() if points else "", "figures": len(points)}
