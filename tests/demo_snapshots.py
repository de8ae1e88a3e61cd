"""Comparing what a demo stores with its snapshot when other work adds columns: a column that
did not exist when the snapshot was taken is left out of the comparison, so the snapshot
checks that the demo content moved to data files unchanged, not the models' later growth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.strategy.test_demo_data import UPDATE, check_snapshot


def check(dump: dict[str, list[str]], path: Path,
          drop: dict[str, tuple[str, ...]] | None = None) -> None:
    """``drop``: per model, keys that hold ids or run-dependent values, left out."""
    drop = drop or {}
    rows: dict[str, list[dict[str, Any]]] = {
        label: [json.loads(r) for r in dump[label]] for label in dump}
    for label, keys in drop.items():
        for row in rows[label]:
            for key in keys:
                _drop(row, key)
    if not UPDATE and path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        for label, items in rows.items():
            known = set().union(*(json.loads(r) for r in stored.get(label, [])))
            if known:
                for row in items:
                    for key in set(row) - known:
                        del row[key]
    check_snapshot({label: sorted(json.dumps(r, sort_keys=True, ensure_ascii=False)
                                  for r in items) for label, items in rows.items()}, path)


def _drop(row: dict[str, Any], key: str) -> None:
    head, _dot, rest = key.partition(".")
    if not rest:
        row.pop(head, None)
    elif isinstance(row.get(head), dict):
        _drop(row[head], rest)
