"""The strategy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from tests.demo_snapshots import broken_copy, canonical_dump, check_snapshot, ref, run_steps
from urbis.demo import loader
from urbis.people.models import Organisation
from urbis.strategy import demo
from urbis.strategy.models import Action, Strategy, Target

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")


def unordered_impacts(row: dict[str, Any]) -> dict[str, Any]:
    """An action's history lists its targets in whatever order the database returns them
    (SQLite and PostgreSQL differ), so the list is compared sorted."""
    if row.get("field") == "impacts":
        for key in ("old_value", "new_value"):
            row[key] = "; ".join(sorted(row[key].split("; "))) if row[key] else row[key]
    return row


def _change(obj: models.Model, row: dict[str, Any], cache: dict[Any, Any]) -> dict[str, Any]:
    """A history row names its object by id; name it by the object instead."""
    target = next((m for m in apps.get_app_config("strategy").get_models()
                   if m._meta.model_name == obj.model), None)
    if target is not None and (o := target.objects.filter(pk=obj.object_id).first()):
        row["object_id"] = ref(o, cache)
    return unordered_impacts(row)


STRATEGY_MODELS = [
    "people.Organisation", "strategy.Indicator", "strategy.Observation", "strategy.Strategy",
    "strategy.Theme", "strategy.Target", "strategy.Action", "strategy.ActionPartner",
    "strategy.FundingSource", "strategy.ActionImpact", "strategy.Milestone",
    "strategy.ProgressReport", "strategy.Change",
]


def test_demo_stores_what_it_always_stored(db: Any) -> None:
    loader._load_organisations()
    run_steps(demo.steps())
    # Catalogue indicators come from the catalogue CSV, not from the demo content.
    dump = canonical_dump(STRATEGY_MODELS, {"strategy.Indicator": {"city__isnull": False}},
                          adjust={"strategy.Change": _change})
    assert Organisation.objects.exists() and dump["strategy.Action"]
    check_snapshot(dump, SNAPSHOT)


_broken_copy = partial(broken_copy, demo.DEMO_DATA)


def test_a_wrongly_typed_field_is_refused_naming_file_record_and_field(
        db: Any, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml", "baseline_year = 2021",
                        'baseline_year = "2021"')
    organisations = Organisation.objects.count()
    with pytest.raises(demo.DemoDataError) as refused:
        demo.steps(data)
    message = str(refused.value)
    assert str(data / "barcelona.toml") in message
    assert "targets[2] 'Cycle network of 272.6 km by the end of 2022'" in message
    assert "field 'baseline_year'" in message
    # Refused while reading: no step ran.
    assert not Strategy.objects.exists() and Organisation.objects.count() == organisations


def test_a_file_must_say_what_is_real_and_what_is_illustrative(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "departments.toml", "illustrative = ", "illustrative_ = ")
    with pytest.raises(demo.DemoDataError, match=r"departments\.toml: \[about\], field "
                                                 r"'illustrative': Field required"):
        demo.steps(data)


def test_a_link_to_an_unknown_key_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "paris.toml", 'depends_on = ["velo"]', 'depends_on = ["vélo"]')
    with pytest.raises(demo.DemoDataError, match=r"paris\.toml: strategies\[0\]\.actions\[1\] "
                                                 r"'Rues aux écoles', field 'depends_on': no "
                                                 r"earlier action with key 'vélo'"):
        demo.steps(data)


def test_an_unknown_department_stores_nothing_of_its_strategy(db: Any, tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml", 'partners = ["bcn-tmb"]',
                        'partners = ["bcn-tbm"]')
    loader._load_organisations()
    with pytest.raises(demo.DemoDataError) as refused:
        for label, step in demo.steps(data):
            step()
            assert label != "Barcelona: strategy", "the step should have been refused"
    assert str(refused.value) == (
        f"{data / 'barcelona.toml'}: action 'Plaques solars a les cobertes municipals', "
        "field 'partners': no organisation 'bcn-tbm'")
    assert not Strategy.objects.filter(city__code="barcelona").exists()
    assert not Target.objects.exists() and not Action.objects.exists()


def test_a_value_the_model_does_not_know_is_refused(tmp_path: Path) -> None:
    data = _broken_copy(tmp_path, "barcelona.toml", 'status = "delayed"', 'status = "late"')
    with pytest.raises(demo.DemoDataError, match=r"barcelona\.toml: strategies\[0\]\.actions\[1\] "
                                                 r"'Ampliació de la xarxa ciclable', field "
                                                 r"'status': 'late' is not one of "):
        demo.steps(data)
