"""Reads across cities: the indicator catalogue, comparisons and the network's figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from urbis.engines import monitoring
from urbis.people.models import Organisation
from urbis.strategy.models import (
    Action,
    ActionStatus,
    Indicator,
    Strategy,
)
from urbis.strategy.queries.flags import with_flags
from urbis.strategy.queries.status import chart_bounds, observations
from urbis.strategy.queries.strategies import MEDIUM_TERM_YEARS


def catalogue() -> QuerySet[Indicator]:
    return Indicator.objects.filter(city__isnull=True).annotate(
        city_count=Count(
            "observations__city", distinct=True,
            filter=Q(observations__is_published=True, observations__city__is_published=True),
        )
    )


def get_catalogue_indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code, city__isnull=True).first()
    if indicator is None:
        raise Http404(_("No catalogue indicator %(code)r.") % {"code": code})
    return indicator


def compare(indicator: Indicator, *, user: Any = None) -> dict[str, Any]:
    """The indicator across every visible city: each city's series and latest value, per
    capita where the indicator is a city total."""
    from urbis.places.queries import visible_cities

    cities = list(visible_cities(user).defer("boundary", "bbox"))
    rows = []
    for city in cities:
        series = list(observations(indicator, city, user=user))
        if not series:
            continue
        latest = series[-1]
        per_capita = None
        if indicator.per_capita and city.population:
            per_capita = latest.value * indicator.per_capita_factor / city.population
        rows.append(
            {
                "city": city,
                "latest": latest,
                "year": latest.date.year,
                "per_capita": per_capita,
                "population": city.population,
                "population_date": city.population_date,
                "series": [
                    {"x": round(monitoring.year_position(o.date), 3), "y": o.value,
                     "per_capita": (o.value * indicator.per_capita_factor / city.population)
                     if indicator.per_capita and city.population else None}
                    for o in series
                ],
                "sources": sorted({o.source for o in series if o.source}),
            }
        )
    return {"indicator": indicator, "rows": rows}


def compare_chart(indicator: Indicator, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The rows of ``compare`` as Chart.js series (per inhabitant where the indicator is a city
    total), with axis bounds that leave every point inside the plot."""
    per_capita = indicator.per_capita
    series = [
        {"label": row["city"].name,
         "data": [{"x": p["x"], "y": p["per_capita"] if per_capita else p["y"]}
                  for p in row["series"]]}
        for row in rows
    ]
    points = [p for s in series for p in s["data"]]
    return {
        "series": series,
        "unit": indicator.per_capita_unit if per_capita else indicator.unit,
        "bounds": chart_bounds([p["x"] for p in points],
                               [p["y"] for p in points if p["y"] is not None]),
    }


def network_figures(*, user: Any = None) -> dict[str, Any]:
    """The partnership plan's own monitoring figures, computed from published strategies.

    - cities with a published strategy that has at least one medium-to-long-term target (target
      year at least five years after the strategy was adopted, or after its first year) and
      involves several (two or more) city departments (owning targets or responsible for
      actions);
    - the share of actions that are public-private partnerships;
    - the share of actions that are citizen-driven. Both flags as in force: derived from the
      data unless the city set them by hand (``queries.flags``). Cancelled actions are left
      out."""
    strategies = list(
        Strategy.objects.filter(is_published=True, city__is_published=True)
        .select_related("city")
        .defer("city__boundary", "city__bbox")
        .prefetch_related("targets__departments", "actions__responsible_department")
    )
    qualifying: dict[int, dict[str, Any]] = {}
    per_city: dict[int, dict[str, Any]] = {}
    for strategy in strategies:
        start = strategy.adopted_on.year if strategy.adopted_on else strategy.start_year
        long_targets = [
            t for t in strategy.targets.all()
            if t.target_year is not None and t.target_year - start >= MEDIUM_TERM_YEARS
        ]
        departments = {
            d.pk for t in strategy.targets.all() for d in t.departments.all()
            if d.kind == Organisation.Kind.CITY_DEPARTMENT
        } | {
            a.responsible_department_id for a in strategy.actions.all()
            if a.responsible_department is not None
            and a.responsible_department.kind == Organisation.Kind.CITY_DEPARTMENT
        }
        entry = per_city.setdefault(
            strategy.city_id,
            {"city": strategy.city, "strategies": [], "qualifies": False},
        )
        ok = bool(long_targets) and len(departments) >= 2
        entry["strategies"].append(
            {"strategy": strategy, "long_targets": len(long_targets),
             "departments": len(departments), "qualifies": ok}
        )
        if ok:
            entry["qualifies"] = True
            qualifying[strategy.city_id] = entry
    live = with_flags(Action.objects.filter(
        strategy__is_published=True, strategy__city__is_published=True
    ).exclude(status=ActionStatus.CANCELLED))
    totals = live.aggregate(
        total=Count("pk"),
        n_ppp=Count("pk", filter=Q(ppp=True)),
        n_citizen=Count("pk", filter=Q(citizen_driven=True)),
    )
    totals["ppp"], totals["citizen"] = totals.pop("n_ppp"), totals.pop("n_citizen")
    total = totals["total"] or 0
    by_city = {
        row["strategy__city"]: row
        for row in live.values("strategy__city").annotate(
            total=Count("pk"),
            n_ppp=Count("pk", filter=Q(ppp=True)),
            n_citizen=Count("pk", filter=Q(citizen_driven=True)),
        ).values("strategy__city", "total", "n_ppp", "n_citizen")
    }
    for city_id, entry in per_city.items():
        counts = by_city.get(city_id, {"total": 0, "n_ppp": 0, "n_citizen": 0})
        entry.update({"actions": counts["total"], "ppp": counts["n_ppp"],
                      "citizen": counts["n_citizen"]})
    return {
        "cities_with_strategy": len(per_city),
        "cities_qualifying": len(qualifying),
        "actions_total": total,
        "actions_ppp": totals["ppp"] or 0,
        "actions_citizen": totals["citizen"] or 0,
        "share_ppp": (totals["ppp"] or 0) / total if total else None,
        "share_citizen": (totals["citizen"] or 0) / total if total else None,
        "cities": sorted(per_city.values(), key=lambda e: e["city"].name),
        "medium_term_years": MEDIUM_TERM_YEARS,
    }
