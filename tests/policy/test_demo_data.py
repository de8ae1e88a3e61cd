"""The policy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.strategy.test_demo_data import canonical_dump, check_snapshot
from urbis.demo import loader
from urbis.policy import demo
from urbis.policy.models import Commitment, InnovationZone, Rollout
from urbis.strategy import demo as strategy_demo
from urbis.strategy.demo import DemoDataError

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


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    data = tmp_path / "demo_data"
    shutil.copytree(demo.DEMO_DATA, data)
    text = (data / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (data / name).write_text(text.replace(old, new), encoding="utf-8")
    return data


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
    loader._load_organisations()
    for _label, step in strategy_demo.steps():
        step()
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
