"""The change history every strategy write records field by field, and the permission check
the strategy services share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from urbis.places.models import City
from urbis.strategy.models import (
    Change,
)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, str]:
    result = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "all"):  # a many-to-many manager
            result[name] = ", ".join(sorted(str(item) for item in value.all()))
        else:
            result[name] = _display(value)
    return result


def _record(
    *, city: City, model: str, object_id: int, before: Mapping[str, str],
    after: Mapping[str, str], by: Any,
) -> int:
    """Store one Change per field whose shown value differs; returns how many."""
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    changes = [
        Change(
            city=city, model=model, object_id=object_id, field=name,
            old_value=before.get(name, ""), new_value=after.get(name, ""),
            changed_by=user, changed_at=now,
        )
        for name in after
        if before.get(name, "") != after.get(name, "")
    ]
    Change.objects.bulk_create(changes)
    return len(changes)


def _field_name(name: str) -> str:
    """``theme_id`` → ``theme``: writes may give a related object or its key."""
    return name[:-3] if name.endswith("_id") else name
