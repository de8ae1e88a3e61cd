"""Scenario runs requested from the page or the API wait on the real database queue and are
computed by the real ``urbis worker`` (in this process, until the queue is empty); the command
line still computes inline. Transactional, as the worker commits in its own transactions."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from urbis.jobs.models import Progress
from urbis.people.models import Membership
from urbis.scenarios.models import ScenarioRun

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/cities/barcelona/scenarios/pla-clima/"
API = "/api/v1/cities/barcelona/scenarios/pla-clima"


def run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--beat", "3600",
                 stdout=out)
    return out.getvalue()


def test_a_run_from_the_page_is_queued_and_stored_by_the_worker(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    assert client.post(PAGE + "run").status_code == 302
    # Nothing was computed in the request: the job waits, and the page and the API say so.
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.task_path == "urbis.scenarios.tasks.run_scenario_job"
    assert not ScenarioRun.objects.exists()
    page = client.get(PAGE).content.decode()
    assert "waits for a worker" in page and "No worker is running now" in page
    assert "This scenario has not been computed yet." in page
    assert client.get(API + "/job").json()["status"] == "READY"

    run_worker()

    job.refresh_from_db()
    run = ScenarioRun.objects.get()
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == run.pk
    assert run.created_by == editor and run.samples == 2000
    assert Progress.objects.get(task_id=job.pk).step == "store"
    assert "by_sector" in run.result
    page = client.get(PAGE).content.decode()
    assert "waits for a worker" not in page and 'id="wedge-chart"' in page
    state = client.get(API + "/job").json()
    assert state["finished"] is True and state["status"] == "SUCCESSFUL"


def test_an_api_run_is_queued_with_its_seed_and_bad_input_is_refused_at_once(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    client = client_for(make_user("editor", barcelona))
    bad = client.post(API + "/runs", {"samples": 0}, content_type="application/json")
    assert bad.status_code == 422 and not DBTaskResult.objects.exists()
    queued = client.post(API + "/runs", {"samples": 50, "seed": 9},
                         content_type="application/json")
    assert queued.status_code == 202, queued.content
    assert queued.json()["status"] == "READY" and queued.json()["url"] == API + "/job"
    assert client.get(API + "/run").status_code == 404
    run_worker()
    body = client.get(API + "/run").json()
    assert body["seed"] == 9 and body["samples"] == 50


def test_a_job_whose_user_lost_the_role_fails_visibly_and_stores_nothing(
    scenario: Any, client_for: Any, make_user: Any, barcelona: Any
) -> None:
    editor = make_user("editor", barcelona)
    client = client_for(editor)
    client.post(PAGE + "run")
    Membership.objects.filter(user=editor).delete()
    run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert not ScenarioRun.objects.exists()
    admin = client_for(make_user("admin", barcelona))
    page = admin.get(PAGE).content.decode()
    assert "The last queued run failed" in page and "PermissionDenied" in page


def test_the_command_line_still_computes_inline(scenario: Any) -> None:
    call_command("scenario", "run", "barcelona", "pla-clima", "--samples", "20", "--seed", "3",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert ScenarioRun.objects.get().seed == 3
    assert not DBTaskResult.objects.exists()
