"""The daily snapshot of the network figures as a job: queued by ``urbis policy snapshot
--enqueue`` (the systemd timer's command), run by the real ``urbis worker`` on the real
database queue, idempotent per day, and never touching an earlier day's points."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.jobs.test_tasks import run_worker
from urbis.jobs import services as jobs
from urbis.places.models import City
from urbis.policy import queries, services
from urbis.policy.models import FigurePoint, InnovationZone
from urbis.policy.tasks import SNAPSHOT_SUBJECT, record_snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_records_the_day_once_per_figure(squareville: City) -> None:
    today = queries.network_today()
    yesterday = today - dt.timedelta(days=1)
    FigurePoint.objects.create(figure="zones_installed", date=yesterday, value=7,
                               computed_at=timezone.now())
    zone = services.save_zone(by=None, city=squareville, operator=True, title="Calm streets",
                              concept="c", area_codes=["A"], start_date=dt.date(2021, 1, 1),
                              is_published=False)
    FigurePoint.objects.filter(date=today).delete()  # the write's own point: start from none

    out = io.StringIO()
    call_command("policy", "snapshot", "--enqueue", stdout=out)
    assert "Queued the policy snapshot as job" in out.getvalue()
    # Queued, not run: nothing recorded until the worker takes it.
    assert not FigurePoint.objects.filter(date=today).exists()
    assert jobs.job_for(SNAPSHOT_SUBJECT).status == TaskResultStatus.READY

    run_worker()
    job = jobs.job_for(SNAPSHOT_SUBJECT)
    assert job is not None and job.status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=job.task_id).return_value == {
        "date": today.isoformat(), "figures": len(queries.FIGURES)}
    points = {p.figure: p.value for p in FigurePoint.objects.filter(date=today)}
    assert set(points) == set(queries.FIGURES)
    assert points["zones_installed"] == 0  # the zone is not published yet

    # A change made outside the services (the admin site) appears in today's point when the
    # job runs again the same day; still one point per figure and day.
    InnovationZone.objects.filter(pk=zone.pk).update(is_published=True)
    record_snapshot.enqueue()
    run_worker()
    assert FigurePoint.objects.filter(date=today).count() == len(queries.FIGURES)
    assert FigurePoint.objects.get(figure="zones_installed", date=today).value == 1
    # The earlier day is history: untouched.
    assert FigurePoint.objects.get(figure="zones_installed", date=yesterday).value == 7
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2


def test_snapshot_runs_inline_without_a_worker(db: Any) -> None:
    out = io.StringIO()
    call_command("policy", "snapshot", stdout=out)
    assert FigurePoint.objects.filter(date=queries.network_today()).count() == len(
        queries.FIGURES)
    assert not DBTaskResult.objects.exists()
