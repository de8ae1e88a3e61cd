"""The scenarios demo's content lives in data files: what it stores stays exactly what it was
when the content was still Python code (a snapshot), and a broken file is refused with its name,
the record and the field, storing nothing (issue 16)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.demo_snapshots import (
    broken_copy,
    canonical_dump,
    check,
    load_strategy_demo,
    run_steps,
)
from urbis.scenarios import demo
from urbis.scenarios.models import EmissionFactor, Inventory, Measure, Scenario
from urbis.strategy.demo import DemoDataError

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
# The run itself is computed from these rows (and holds its computing time): not content.
SCENARIO_MODELS = ["scenarios.Inventory", "scenarios.InventoryRow", "scenarios.EmissionFactor",
                   "scenarios.Scenario", "scenarios.Measure"]


def test_demo_stores_what_it_always_stored(barcelona: Any, paris: Any) -> None:
    load_strategy_demo()
    run_steps(demo.steps())
    dump = canonical_dump(SCENARIO_MODELS, {"scenarios.EmissionFactor": {"city__isnull": False}})
    assert dump["scenarios.Measure"] and dump["scenarios.InventoryRow"]
    check(dump, SNAPSHOT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


def test_a_wrongly_typed_field_is_refused_naming_file_record_and_field(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", "capex_eur = 1.5e8", 'capex_eur = "lots"')
    with pytest.raises(DemoDataError) as refused:
        demo.steps(data)
    assert str(refused.value).startswith(
        f"{data / 'paris.toml'}: measures[2] 'Plan Vélo : report modal', field 'capex_eur': "
        "Input should be a valid number")
    assert not Inventory.objects.exists() and not Scenario.objects.exists()


def test_shares_over_the_whole_total_are_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml", "share = 0.18", "share = 0.28")
    with pytest.raises(DemoDataError, match=r"barcelona\.toml: \[inventory\], field 'split': "
                                            r"the shares add up to 1\.1, more than the whole"):
        demo.steps(data)


def test_a_file_must_say_what_is_published_and_what_is_illustrative(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", "real = ", "reel = ")
    with pytest.raises(DemoDataError, match=r"paris\.toml: \[about\], field 'real': "
                                            r"Field required"):
        demo.steps(data)


def test_a_measure_refused_by_the_engine_stores_nothing_of_its_city(
        barcelona: Any, paris: Any, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", "value = 0.3\n", "value = 3.0\n")
    load_strategy_demo()
    steps = demo.steps(data)
    with pytest.raises(DemoDataError) as refused:
        run_steps(steps)
    # The engine names the value by its own name ("cut": the share of the use cut).
    assert str(refused.value) == (
        f"{data / 'paris.toml'}: measure 'Éco-rénovons Paris : copropriétés', field 'cut': "
        "a triangular distribution needs low ≤ mode ≤ high")
    assert Scenario.objects.filter(city=barcelona).exists()  # the step before it stands
    assert not Scenario.objects.filter(city=paris).exists()
    assert not Inventory.objects.filter(city=paris).exists()
    assert not EmissionFactor.objects.filter(city=paris).exists()
    assert not Measure.objects.filter(scenario__city=paris).exists()
