"""The demo loads a scenario per city, linked to the strategy actions, and is idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.demo import loader
from urbis.scenarios import demo
from urbis.scenarios.models import Inventory, Measure, Scenario, ScenarioRun
from urbis.strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db


def test_demo_twice_changes_nothing(barcelona: Any, paris: Any) -> None:
    loader._load_organisations()
    for _label, step in strategy_demo.steps():
        step()
    for _label, step in demo.steps():
        step()
    counts = (Inventory.objects.count(), Scenario.objects.count(), Measure.objects.count(),
              ScenarioRun.objects.count())
    for _label, step in demo.steps():
        step()
    assert counts == (Inventory.objects.count(), Scenario.objects.count(),
                      Measure.objects.count(), ScenarioRun.objects.count())
    bcn = Scenario.objects.get(city=barcelona, slug="plan-2050")
    assert bcn.inventory.is_illustrative
    total = sum(r.energy_mwh for r in bcn.inventory.rows.all())
    assert total == pytest.approx(14_995_000, abs=10)  # the published 2017 total
    linked = bcn.measures.exclude(action=None)
    assert linked.count() >= 4
    run = bcn.runs.get()
    assert run.result["targets"], "Barcelona's −50 % target (Mt CO2e) is drawn"
    paris_run = Scenario.objects.get(city=paris, slug="plan-2050").runs.get()
    assert paris_run.result["targets"] == []  # relative targets cannot be placed
    assert Scenario.objects.get(city=paris).measures.exclude(action=None).count() == 3
