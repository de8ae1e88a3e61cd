"""The policy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.strategy.test_demo_data import canonical_dump, check_snapshot
from urbis.demo import loader
from urbis.policy import demo
from urbis.strategy import demo as strategy_demo

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
POLICY_MODELS = [
    "people.Organisation", "policy.Commitment", "policy.RoadmapPhase", "policy.Involvement",
    "policy.Barrier", "policy.BarrierCity", "policy.Endorsement", "policy.InnovationZone",
    "policy.ZoneRule", "policy.Rollout", "policy.FitnessCheck", "policy.Assessment",
    "policy.ProjectBundle", "policy.FigurePoint",
]


def _load() -> None:
    loader._load_organisations()
    for _label, step in strategy_demo.steps():
        step()
    for _label, step in demo.steps():
        step()


def test_demo_stores_what_it_always_stored(barcelona: Any, paris: Any) -> None:
    _load()
    dump = canonical_dump(POLICY_MODELS)
    assert dump["policy.Barrier"] and dump["policy.InnovationZone"]
    check_snapshot(dump, SNAPSHOT)
