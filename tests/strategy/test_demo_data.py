"""The strategy demo's content lives in data files: what it stores stays exactly what it was when
the content was still Python code (a snapshot), and a broken file is refused with its name, the
record and the field, storing nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models

from urbis.demo import loader
from urbis.people.models import Organisation
from urbis.strategy import demo

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
