"""`urbis demo` serves before the slow steps (the energy readings) are loaded: the worker loads
them from the queue, and every page says how far it has come until they are stored.

The queue and the worker are the real ones (run in this process until the queue is empty). The
list of slow steps is replaced by a quick real step (the organisations) and a failing one: the
real energy steps take minutes and are loaded by the demo tests (`test_demo.py`, and
`test_serve.py` through this very path)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.jobs.test_tasks import run_worker
from urbis.demo import loader, services
from urbis.people.models import Organisation


@pytest.fixture
def clean_flag() -> Iterator[None]:
    # The cache table outlives a transactional test's flush.
    services.finished_loading()
    yield
    services.finished_loading()


def test_the_energy_readings_are_slow_steps_and_nothing_quick_needs_them() -> None:
    quick = [label for label, _ in loader.quick_steps()]
    slow = [label for label, _ in loader.slow_steps()]
    assert slow == ["energy: barcelona readings", "energy: paris readings",
                    "energy: paris measured district heat", "energy: competition season"]
    assert not any(label.startswith("energy") for label in quick)
    assert [label for label, _ in loader.steps()] == quick + slow


@pytest.mark.django_db(transaction=True)
def test_pages_say_the_load_waits_then_runs_then_nothing_once_done(
    client: Any, monkeypatch: pytest.MonkeyPatch, clean_flag: None
) -> None:
    for _label, step in loader.place_steps():  # a transactional test starts from empty tables
        step()
    seen: list[str] = []

    def organisations() -> None:
        # What a page shows while this step runs.
        seen.append(client.get("/").content.decode())
        loader._load_organisations()

    monkeypatch.setattr(loader, "slow_steps", lambda: [("organisations", organisations)])
    assert "The demo's energy readings" not in client.get("/").content.decode()

    services.start_loading()
    waiting = client.get("/").content.decode()
    assert "wait for the job worker to load them" in waiting

    run_worker()
    assert "loading in the background (step 1 of 1)" in seen[0]
    assert Organisation.objects.filter(slug="paris-climate-agency").exists()
    assert "The demo's energy readings" not in client.get("/").content.decode()
    assert cache.get(services.LOADING_KEY) is None


@pytest.mark.django_db(transaction=True)
def test_a_failed_load_is_shown_with_its_reason_and_how_to_retry(
    client: Any, monkeypatch: pytest.MonkeyPatch, clean_flag: None
) -> None:
    def broken() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(loader, "slow_steps", lambda: [("energy: barcelona readings", broken)])
    services.start_loading()
    run_worker()
    page = client.get("/").content.decode()
    assert "Loading the demo's energy readings failed" in page
    assert 'role="alert"' in page
    assert "disk full" in page and "urbis demo" in page
    # It stays on every page until a new load succeeds.
    assert "failed" in client.get("/data-sources/").content.decode()
