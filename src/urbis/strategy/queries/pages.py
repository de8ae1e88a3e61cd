"""What the strategy pages list: a strategy's overview, its filtered actions, departments and
change history."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from urbis.people.models import Organisation
from urbis.strategy.models import (
    Action,
    Change,
    Strategy,
)
from urbis.strategy.queries.flags import with_flags
from urbis.strategy.queries.status import chart_data, target_status
from urbis.strategy.queries.strategies import HEAVY, HEAVY_AREA


def strategy_overview(strategy: Strategy, *, user: Any = None) -> dict[str, Any]:
    targets = list(
        strategy.targets.select_related("indicator", "theme", "area", "strategy__city")
        .defer(*HEAVY, *HEAVY_AREA)
        .prefetch_related("departments")
    )
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for target in targets:
        status = target_status(target, user=user)
        counts[status["status"]] += 1
        rows.append({"target": target, "status": status, "chart": chart_data(target, status)})
    by_theme: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for target, row in zip(targets, rows, strict=True):
        by_theme[target.theme_id].append(row)
    themes = [
        {"theme": theme, "targets": by_theme.get(theme.pk, [])}
        for theme in strategy.themes.all()
    ]
    if by_theme.get(None):
        themes.append({"theme": None, "targets": by_theme[None]})
    actions = strategy.actions.all()
    return {
        "themes": themes,
        "targets": rows,
        "status_counts": dict(counts),
        "action_count": actions.count(),
        "action_status_counts": {
            row["status"]: row["n"]
            for row in actions.values("status").annotate(n=Count("pk")).order_by()
        },
    }


ACTION_FILTERS = ("theme", "status", "department", "ppp", "citizen", "horizon")


def actions(strategy: Strategy, filters: dict[str, Any] | None = None) -> QuerySet[Action]:
    """Actions of a strategy, filtered by theme (id), status, department (organisation slug),
    horizon, PPP and citizen-driven (``"yes"``/``"no"``: the value in force, derived or set by
    hand, see ``queries.flags``)."""
    filters = filters or {}
    rows = with_flags(
        strategy.actions.select_related("theme", "responsible_department", "strategy__city")
        .defer(*HEAVY)
        .prefetch_related("milestones", "partners")
    )
    if filters.get("theme"):
        rows = rows.filter(theme_id=filters["theme"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("horizon"):
        rows = rows.filter(horizon=filters["horizon"])
    if filters.get("department"):
        rows = rows.filter(responsible_department__slug=filters["department"])
    for key, field in (("ppp", "ppp"), ("citizen", "citizen_driven")):
        value = str(filters.get(key) or "").lower()
        if value in {"yes", "true", "1"}:
            rows = rows.filter(**{field: True})
        elif value in {"no", "false", "0"}:
            rows = rows.filter(**{field: False})
    return rows


def departments_of(strategy: Strategy) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            Q(strategy_actions__strategy=strategy) | Q(strategy_targets__strategy=strategy)
        ).distinct().order_by("name")
    )


def history(model: str, object_id: int) -> QuerySet[Change]:
    return Change.objects.filter(model=model, object_id=object_id).select_related("changed_by")
