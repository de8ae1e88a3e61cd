"""The strategy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from urbis.demo import loader
from urbis.people.models import Organisation
from urbis.strategy import demo
from urbis.strategy.models import Action, Strategy, Target

SNAPSHOT = Path(__file__).with_name("demo_snapshot.json")
# URBIS_UPDATE_DEMO_SNAPSHOT=1 rewrites the snapshot: only when the demo content is meant to change.
UPDATE = os.environ.get("URBIS_UPDATE_DEMO_SNAPSHOT") == "1"


def _ref(obj: models.Model | None, cache: dict[Any, Any]) -> Any:
    """A reference to a row that does not depend on its id: its code or slug (with its city),
    else all its own values."""
    if obj is None:
        return None
    key = (obj._meta.label, obj.pk)
    if key not in cache:
        names = {f.name for f in obj._meta.concrete_fields}
        parent = next((f.name for f in obj._meta.concrete_fields if f.many_to_one), None)
        for natural in ("code", "slug", "email", "figure", "title", "name"):
            if natural in names:
                owner = getattr(obj, parent) if parent else None
                cache[key] = [obj._meta.label, _ref(owner, cache), getattr(obj, natural)]
                break
        else:
            cache[key] = [obj._meta.label, _row(obj, cache)]
    return cache[key]


# Worked out on the day from the stored rows (a report's statuses say "4 years old"): the rows
# it is computed from are in the snapshot.
COMPUTED_TODAY = {("strategy.ProgressReport", "content")}


def _value(value: Any) -> Any:
    if isinstance(value, dt.date) and value == dt.date.today():
        return "<today>"
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _row(obj: models.Model, cache: dict[Any, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.DateTimeField):
            continue  # ids and timestamps differ from run to run
        if (obj._meta.label, field.name) in COMPUTED_TODAY:
            continue
        if field.is_relation:
            row[field.name] = _ref(getattr(obj, field.name), cache)
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    for m2m in obj._meta.many_to_many:
        through = getattr(obj, m2m.name).through
        if through._meta.auto_created:
            row[m2m.name] = sorted(json.dumps(_ref(o, cache), sort_keys=True)
                                   for o in getattr(obj, m2m.name).all())
    return row


def unordered_impacts(row: dict[str, Any]) -> dict[str, Any]:
    """An action's history lists its targets in whatever order the database returns them
    (SQLite and PostgreSQL differ), so the list is compared sorted."""
    if row.get("field") == "impacts":
        for key in ("old_value", "new_value"):
            row[key] = "; ".join(sorted(row[key].split("; "))) if row[key] else row[key]
    return row


def canonical_dump(labels: list[str], **filters: dict[str, Any]) -> dict[str, list[str]]:
    """Every row of the named models, without ids and timestamps, foreign keys by natural key,
    sorted, so that two loads of the same content compare equal whatever order they ran in."""
    cache: dict[Any, Any] = {}
    dump: dict[str, list[str]] = {}
    for label in labels:
        model = apps.get_model(label)
        rows = model.objects.filter(**filters.get(label, {}))
        out = []
        for obj in rows:
            row = _row(obj, cache)
            if label == "strategy.Change":
                # A history row names its object by id; name it by the object instead.
                target = next((m for m in apps.get_app_config("strategy").get_models()
                               if m._meta.model_name == obj.model), None)
                if target is not None and (o := target.objects.filter(pk=obj.object_id).first()):
                    row["object_id"] = _ref(o, cache)
                row = unordered_impacts(row)
            out.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
        dump[label] = sorted(out)
    return dump


def check_snapshot(dump: dict[str, list[str]], path: Path) -> None:
    if UPDATE:
        path.write_text(json.dumps(dump, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.exists(), f"{path} is missing: rerun with URBIS_UPDATE_DEMO_SNAPSHOT=1"
    stored = json.loads(path.read_text(encoding="utf-8"))
    for label in dump:
        missing = sorted(set(stored[label]) - set(dump[label]))
        extra = sorted(set(dump[label]) - set(stored[label]))
        assert not missing and not extra, (label, missing[:3], extra[:3])
        assert dump[label] == stored[label], label  # same rows, same multiplicity
    assert set(dump) == set(stored)


STRATEGY_MODELS = [
    "people.Organisation", "strategy.Indicator", "strategy.Observation", "strategy.Strategy",
    "strategy.Theme", "strategy.Target", "strategy.Action", "strategy.ActionPartner",
    "strategy.FundingSource", "strategy.ActionImpact", "strategy.Milestone",
    "strategy.ProgressReport", "strategy.Change",
]


def test_demo_stores_what_it_always_stored(db: Any) -> None:
    loader._load_organisations()
    for _label, step in demo.steps():
        step()
    # Catalogue indicators come from the catalogue CSV, not from the demo content.
    dump = canonical_dump(STRATEGY_MODELS, **{"strategy.Indicator": {"city__isnull": False}})
    assert Organisation.objects.exists() and dump["strategy.Action"]
    check_snapshot(dump, SNAPSHOT)


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    data = tmp_path / "demo_data"
    shutil.copytree(demo.DEMO_DATA, data)
    text = (data / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (data / name).write_text(text.replace(old, new), encoding="utf-8")
    return data


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
