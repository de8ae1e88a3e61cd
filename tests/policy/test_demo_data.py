"""The policy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.demo_snapshots import (
    broken_copy,
    canonical_dump,
    check_snapshot,
    load_strategy_demo,
    run_steps,
)
from urbis.policy import demo
from urbis.policy.models import Commitment, InnovationZone, Rollout
from urbis.strategy.demo import DemoDataError

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
POLICY_MODELS = [
    "people.Organisation", "policy.Commitment", "policy.RoadmapPhase", "policy.Involvement",
    "policy.Barrier", "policy.BarrierCity", "policy.Endorsement", "policy.InnovationZone",
    "policy.ZoneRule", "policy.Rollout", "policy.FitnessCheck", "policy.Assessment",
    "policy.ProjectBundle", "policy.FigurePoint",
]


def test_demo_stores_what_it_always_stored(barcelona: Any, paris: Any) -> None:
    load_strategy_demo()
    run_steps(demo.steps())
    dump = canonical_dump(POLICY_MODELS)
    assert dump["policy.Barrier"] and dump["policy.InnovationZone"]
    check_snapshot(dump, SNAPSHOT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


def test_a_wrongly_typed_field_is_refused_naming_file_record_and_field(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "zones.toml", "start_date = 2016-09-05",
                        'start_date = "5 September 2016"')
    with pytest.raises(DemoDataError) as refused:
        demo.steps(data)
    assert str(refused.value).startswith(
        f"{data / 'zones.toml'}: zones[0] 'Superilla del Poblenou (superblock)', "
        "field 'start_date': Input should be a valid date")
    assert not Commitment.objects.exists() and not InnovationZone.objects.exists()


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "zones.toml", "[zones.geometry]", "[zones.outline]")
    with pytest.raises(DemoDataError, match=r"zones\.toml: zones\[0\] 'Superilla del Poblenou "
                                            r"\(superblock\)', field 'outline': Extra inputs"):
        demo.steps(data)


def test_an_unknown_area_stores_nothing_of_the_zones(barcelona: Any, paris: Any,
                                                     tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "zones.toml", 'area_names = ["Sant Antoni"]',
                        'area_names = ["Sant Antonio"]')
    load_strategy_demo()
    with pytest.raises(DemoDataError) as refused:
        for label, step in demo.steps(data):
            step()
            assert label != "policy: innovation zones", "the step should have been refused"
    assert str(refused.value) == (
        f"{data / 'zones.toml'}: zone 'superilla-poblenou', field 'rollout.area_names': "
        "barcelona: no area named 'Sant Antonio'")
    # The zone was written before its roll-out was refused: the whole step is undone.
    assert not InnovationZone.objects.exists() and not Rollout.objects.exists()
    assert Commitment.objects.count() == 2  # the steps before it stand
