"""The demo strategies load from the bundled real figures, twice without changing anything."""

from __future__ import annotations

from typing import Any

from urbis.demo import loader
from urbis.strategy import demo, queries
from urbis.strategy.models import (
    Action,
    Change,
    Milestone,
    Observation,
    ProgressReport,
    Strategy,
    Target,
)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count()
            for m in (Strategy, Target, Action, Milestone, Observation, ProgressReport, Change)}


def test_demo_strategies_are_real_shaped_and_idempotent(db: Any) -> None:
    loader._load_organisations()
    for _label, step in demo.steps():
        step()
    first = _counts()
    for _label, step in demo.steps():
        step()
    assert _counts() == first

    barcelona = Strategy.objects.get(city__code="barcelona", slug="pla-clima")
    paris = Strategy.objects.get(city__code="paris", slug="plan-climat")
    assert barcelona.is_published and paris.is_published
    # Every row of both indicators.csv files is stored, with its source.
    assert Observation.objects.filter(city__code="barcelona").count() == 38
    assert Observation.objects.filter(city__code="paris").count() == 14
    assert not Observation.objects.filter(source="").exists()
    ghg = barcelona.targets.get(indicator__code="urbis-ghg-emissions")
    status = queries.target_status(ghg)
    assert status["status"] == "off_track" and status["latest"]["value"] == 2.7
    statuses = {queries.target_status(t)["status"] for t in Target.objects.all()}
    assert {"off_track", "at_risk", "no_data"} <= statuses
    figures = queries.network_figures()
    assert figures["cities_qualifying"] == 2
    assert 0 < figures["share_ppp"] < 1 and 0 < figures["share_citizen"] < 1
    assert ProgressReport.objects.filter(strategy=barcelona).count() == 1
