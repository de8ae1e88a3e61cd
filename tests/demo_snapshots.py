"""What every app's ``tests/<app>/test_demo_data.py`` shares: running a demo's steps, dumping
what it stored in a form that does not depend on ids or run order, comparing that with the
snapshot beside the test, and copying a demo's data files with one change to see it refused.

Each test file keeps only what is its own: its models, its filters and the values that differ
from run to run. ``URBIS_UPDATE_DEMO_SNAPSHOT=1`` rewrites the snapshots: only when the demo
content is meant to change (then commit the new snapshot beside the change).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models

UPDATE = os.environ.get("URBIS_UPDATE_DEMO_SNAPSHOT") == "1"

Step = tuple[str, Callable[[], Any]]
# A per-model hook: (the stored object, its row, the reference cache) -> the row to compare.
Adjust = Callable[[models.Model, dict[str, Any], dict[Any, Any]], dict[str, Any]]

# Worked out on the day from the stored rows (a report's statuses say "4 years old"): the rows
# it is computed from are in the snapshot.
COMPUTED_TODAY = {("strategy.ProgressReport", "content")}


def run_steps(*step_lists: Iterable[Step]) -> None:
    """Run demo steps in order, as ``urbis demo`` does."""
    for steps in step_lists:
        for _label, step in steps:
            step()


def load_strategy_demo() -> None:
    """The organisations and strategies other apps' demo content refers to."""
    from urbis.demo import loader
    from urbis.strategy import demo as strategy_demo

    loader._load_organisations()
    run_steps(strategy_demo.steps())


def broken_copy(data: Path, tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the demo data directory ``data`` in which file ``name`` has its one ``old``
    replaced by ``new``."""
    copy = tmp_path / "demo_data"
    shutil.copytree(data, copy)
    text = (copy / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (copy / name).write_text(text.replace(old, new), encoding="utf-8")
    return copy


# ------------------------------------------------------------------ dumping what is stored


def ref(obj: models.Model | None, cache: dict[Any, Any]) -> Any:
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
                cache[key] = [obj._meta.label, ref(owner, cache), getattr(obj, natural)]
                break
        else:
            cache[key] = [obj._meta.label, row(obj, cache)]
    return cache[key]


def _value(value: Any) -> Any:
    if isinstance(value, dt.date) and value == dt.date.today():
        return "<today>"
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def _related(obj: models.Model, field: models.Field[Any, Any], cache: dict[Any, Any]) -> Any:
    # A row already referred to is found by its id, without reading it again: the survey's
    # 13,200 answers name 1,200 responses and 11 questions.
    target = field.related_model
    key = (target._meta.label, getattr(obj, field.attname))  # type: ignore[union-attr]
    if key[1] is not None and key in cache:
        return cache[key]
    return ref(getattr(obj, field.name), cache)


def row(obj: models.Model, cache: dict[Any, Any]) -> dict[str, Any]:
    """The object's own values, without its id and timestamps (they differ from run to run),
    its foreign keys and many-to-many links by reference."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or isinstance(field, models.DateTimeField):
            continue
        if (obj._meta.label, field.name) in COMPUTED_TODAY:
            continue
        if field.is_relation:
            out[field.name] = _related(obj, field, cache)
        else:
            out[field.name] = _value(getattr(obj, field.attname))
    for m2m in obj._meta.many_to_many:
        through = getattr(obj, m2m.name).through
        if through._meta.auto_created:
            out[m2m.name] = sorted(json.dumps(ref(o, cache), sort_keys=True)
                                   for o in getattr(obj, m2m.name).all())
    return out


def canonical_dump(labels: list[str], filters: dict[str, dict[str, Any]] | None = None,
                   adjust: dict[str, Adjust] | None = None) -> dict[str, list[str]]:
    """Every row of the named models (``filters``: per model, which rows), without ids and
    timestamps, foreign keys by natural key, sorted, so that two loads of the same content
    compare equal whatever order they ran in. ``adjust``: per model, a hook for what only that
    model needs (a history row naming its object by id)."""
    cache: dict[Any, Any] = {}
    dump: dict[str, list[str]] = {}
    for label in labels:
        model = apps.get_model(label)
        hook = (adjust or {}).get(label)
        out = []
        for obj in model.objects.filter(**(filters or {}).get(label, {})):
            values = row(obj, cache)
            if hook is not None:
                values = hook(obj, values, cache)
            out.append(json.dumps(values, sort_keys=True, ensure_ascii=False))
        dump[label] = sorted(out)
    return dump


# ------------------------------------------------------------------ comparing with a snapshot


def check_snapshot(dump: dict[str, list[str]], path: Path) -> None:
    """The dump equals the snapshot at ``path``: the same models, the same rows, each as many
    times (rewritten first with ``URBIS_UPDATE_DEMO_SNAPSHOT=1``)."""
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


def check(dump: dict[str, list[str]], path: Path,
          drop: dict[str, tuple[str, ...]] | None = None) -> None:
    """``check_snapshot`` for demos whose models other work keeps extending: a column that did
    not exist when the snapshot was taken is left out of the comparison, so the snapshot checks
    that the demo content moved to data files unchanged, not the models' later growth.
    ``drop``: per model, keys that hold ids or run-dependent values (``details.into`` for a key
    inside a JSON field), left out."""
    drop = drop or {}
    rows: dict[str, list[dict[str, Any]]] = {
        label: [json.loads(r) for r in dump[label]] for label in dump}
    for label, keys in drop.items():
        for values in rows[label]:
            for key in keys:
                _drop(values, key)
    if not UPDATE and path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        for label, items in rows.items():
            known = set().union(*(json.loads(r) for r in stored.get(label, [])))
            if known:
                for values in items:
                    for key in set(values) - known:
                        del values[key]
    check_snapshot({label: sorted(json.dumps(r, sort_keys=True, ensure_ascii=False)
                                  for r in items) for label, items in rows.items()}, path)


def _drop(values: dict[str, Any], key: str) -> None:
    head, _dot, rest = key.partition(".")
    if not rest:
        values.pop(head, None)
    elif isinstance(values.get(head), dict):
        _drop(values[head], rest)
