"""Reads of the strategy app that pages, the API and other apps share.

Anonymous users see published strategies only; a city's editors, moderators and admins also see
what it has not published yet."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engines import monitoring
from urbis.people.models import Organisation
from urbis.people.permissions import Action as Can
from urbis.people.permissions import can
from urbis.places.models import City
from urbis.strategy.models import (
    Action,
    ActionStatus,
    Change,
    Indicator,
    Observation,
    ProgressReport,
    Strategy,
    Target,
    TargetKind,
    TargetStatus,
)

# City boundaries and area shapes are large JSON documents that no strategy read needs.
HEAVY = ("strategy__city__boundary", "strategy__city__bbox")
HEAVY_AREA = ("area__geometry", "area__bbox", "area__centroid")

# How many years after adoption a target must lie to count as medium-to-long-term.
MEDIUM_TERM_YEARS = 5


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- strategies


def can_edit(user: Any, city: City) -> bool:
    return can(user, Can.EDIT, city)


def visible_strategies(user: Any = None, city: City | None = None) -> QuerySet[Strategy]:
    strategies = Strategy.objects.select_related("city").defer("city__boundary", "city__bbox")
    if city is not None:
        strategies = strategies.filter(city=city)
        if can(user, Can.VIEW_PRIVATE, city):
            return strategies
        return strategies.filter(is_published=True, city__is_published=True)
    if user is not None and getattr(user, "is_superuser", False):
        return strategies
    from urbis.people.permissions import cities_where

    return strategies.filter(
        Q(is_published=True, city__is_published=True)
        | Q(city_id__in=cities_where(user, Can.VIEW_PRIVATE))
    )


def get_strategy(city: City, slug: str, user: Any = None) -> Strategy:
    strategy = visible_strategies(user, city).filter(slug=slug).first()
    if strategy is None:
        raise Http404(f"No strategy {slug!r} in {city.name}.")
    return strategy


def get_target(strategy: Strategy, pk: int) -> Target:
    target = (
        Target.objects.select_related("indicator", "theme", "area", "strategy__city")
        .defer(*HEAVY, *HEAVY_AREA)
        .filter(strategy=strategy, pk=pk)
        .first()
    )
    if target is None:
        raise Http404(f"No target {pk} in this strategy.")
    return target


def get_action(strategy: Strategy, pk: int) -> Action:
    action = (
        Action.objects.select_related("theme", "responsible_department", "strategy__city")
        .defer(*HEAVY)
        .filter(strategy=strategy, pk=pk)
        .first()
    )
    if action is None:
        raise Http404(f"No action {pk} in this strategy.")
    return action


# ---------------------------------------------------------------- observations and status


def observations(
    indicator: Indicator, city: City, *, area: Any = None, user: Any = None
) -> QuerySet[Observation]:
    rows = Observation.objects.filter(indicator=indicator, city=city, area=area).order_by("date")
    if not can(user, Can.VIEW_PRIVATE, city):
        rows = rows.filter(is_published=True)
    return rows


def _points(rows: Any) -> list[monitoring.Point]:
    return [monitoring.Point(monitoring.year_position(o.date), o.value) for o in rows]


def _templates() -> dict[str, str]:
    """The engine's reason sentences (engines.monitoring.ENGLISH) in the interface language."""
    return {
        "missing": _("Cannot judge: missing {fields}."),
        "years": _("Cannot judge: the target year is not after the baseline year."),
        "no_obs": _("No observation after the baseline year {baseline_year}."),
        "no_obs_passed": _("No observation after the baseline year {baseline_year}, and the "
                           "target year {target_year} has passed."),
        "achieved": _("Latest value {value} ({year}) has reached the target {target} set for "
                      "{target_year}."),
        "passed": _("The target year {target_year} has passed and the target {target} was not "
                    "reached: latest value {value} ({year})."),
        "hold": _("Latest value {value} ({year}) is worse than the level {target} to hold."),
        "path": _("Latest value {value} ({year}); the straight path from {baseline} "
                  "({baseline_year}) to {target} ({target_year}) expects {expected} by then. "
                  "{progress} of the planned change is done after {elapsed} of the time."),
        "ahead": _("At or ahead of the path."),
        "at_risk": _("Behind the path by {gap} of the planned change (within the {tolerance} "
                     "tolerance)."),
        "off_track": _("Behind the path by {gap} of the planned change (more than the "
                       "{tolerance} tolerance)."),
    }


def explain(parts: list[tuple[str, dict[str, str]]]) -> str:
    """The reason for a status, in the interface language."""
    templates = _templates()
    fields = {
        "baseline_value": _("baseline value"), "baseline_year": _("baseline year"),
        "target_value": _("target value"), "target_year": _("target year"),
    }
    sentences = []
    for key, params in parts:
        if key == "missing":
            params = {"fields": ", ".join(str(fields[f]) for f in params["fields"].split(","))}
        if key == "stale":
            age = int(params["age"])
            sentences.append(ngettext("The latest figure is %(age)d year old.",
                                      "The latest figure is %(age)d years old.", age)
                             % {"age": age})
            continue
        sentences.append(templates[key].format(**params))
    return " ".join(sentences)


def target_status(
    target: Target, *, user: Any = None, on: dt.date | None = None
) -> dict[str, Any]:
    """Status of a target, the reason for it and what the page needs to draw it."""
    on = on or today()
    labels = dict(TargetStatus.choices)
    if target.kind == TargetKind.QUALITATIVE:
        status = target.qualitative_status or TargetStatus.NO_DATA
        return {
            "status": status,
            "status_label": str(labels[status]),
            "reason": _("Qualitative target: status set by the city.")
            if target.qualitative_status
            else _("Qualitative target: the city has not assessed it yet."),
            "percent": None,
            "latest": None,
        }
    rows = []
    if target.indicator is not None:
        rows = [
            o for o in observations(
                target.indicator, target.strategy.city, area=target.area, user=user
            )
            if o.date <= on
        ]
    spec = monitoring.TargetSpec(
        baseline_year=target.baseline_year, baseline_value=target.baseline_value,
        target_year=target.target_year, target_value=target.target_value,
        direction=target.direction,
    )
    result = monitoring.target_status(
        spec, _points(rows), today=monitoring.year_position(on)
    )
    latest = result.latest
    return {
        "status": result.status,
        "status_label": str(labels[result.status]),
        "reason": explain(result.parts),
        "percent": None if result.percent is None else round(result.percent, 1),
        "progress": result.progress,
        "latest": None if latest is None else {"year": round(latest.t, 2), "value": latest.value},
        "expected_at_latest": result.expected_at_latest,
        "observations": [
            {"date": o.date.isoformat(), "value": o.value, "source": o.source} for o in rows
        ],
    }


def chart_data(target: Target, status: dict[str, Any]) -> dict[str, Any]:
    """Observed series and the straight target path, for Chart.js (x = year), with the axis
    bounds the chart should use."""
    observed = [
        {"x": round(monitoring.year_position(dt.date.fromisoformat(o["date"])), 3), "y": o["value"]}
        for o in status.get("observations", [])
    ]
    path = []
    if target.baseline_year is not None and target.baseline_value is not None:
        path.append({"x": target.baseline_year, "y": target.baseline_value})
    if target.target_year is not None and target.target_value is not None:
        path.append({"x": target.target_year, "y": target.target_value})
    unit = target.indicator.unit if target.indicator is not None else ""
    years = [p["x"] for p in observed]
    years += [y for y in (target.baseline_year, target.target_year) if y is not None]
    values = [p["y"] for p in observed + path]
    return {"observed": observed, "path": path, "unit": unit, "label": target.title,
            "bounds": chart_bounds(years, values)}


# Share of the value range left empty above and below the data, so that no point sits on the
# edge of the plot where Chart.js cuts it in half.
VALUE_PADDING = 0.1


def chart_bounds(years: list[float], values: list[float]) -> dict[str, Any]:
    """Axis bounds derived from the data: whole years with one year of margin either side, and
    a value range padded by ``VALUE_PADDING`` (never below zero when no value is negative).

    Left to itself Chart.js widens a one-year axis by 5 % of the year (1900 to 2150) and puts
    the highest value on the top edge."""
    bounds: dict[str, Any] = {}
    if years:
        bounds["x"] = {"min": math.floor(min(years)) - 1, "max": math.ceil(max(years)) + 1}
    if values:
        low, high = min(values), max(values)
        pad = (high - low) * VALUE_PADDING or abs(high) * VALUE_PADDING or 1.0
        bottom = low - pad
        if low >= 0:
            bottom = max(bottom, 0.0)
        bounds["y"] = {"min": bottom, "max": high + pad}
    return bounds


def action_progress(action: Action, *, on: dt.date | None = None) -> dict[str, Any]:
    """Where an action stands: its status, milestones done of total, late milestones and a
    percentage (milestones done; 100 when completed). Used by the engagement app's idea page."""
    on = on or today()
    infos = [
        monitoring.MilestoneInfo(m.title, m.due_date, m.done_on) for m in action.milestones.all()
    ]
    summary = monitoring.milestone_summary(infos, today=on)
    if action.status == ActionStatus.COMPLETED:
        percent: float | None = 100.0
    else:
        percent = summary.percent
    return {
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "milestones_done": summary.done,
        "milestones_total": summary.total,
        "late_milestones": [
            {"title": m.title, "due": m.due.isoformat()} for m in summary.late
        ],
        "late": summary.is_late,
        "percent": None if percent is None else round(percent, 1),
    }


# ---------------------------------------------------------------- pages


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
    horizon, PPP and citizen-driven (``"yes"``/``"no"``)."""
    filters = filters or {}
    rows = (
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
    for key, field in (("ppp", "is_ppp"), ("citizen", "is_citizen_driven")):
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


# ---------------------------------------------------------------- reports


def report_content(strategy: Strategy, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What a progress report says: planned, done and which targets moved over the period.

    Plain JSON data, because it is frozen into the report at publication."""
    planned = []
    done = []
    for action in strategy.actions.prefetch_related("milestones").select_related(
        "responsible_department", "theme"
    ):
        due = [m for m in action.milestones.all() if start <= m.due_date <= end]
        finished = [m for m in action.milestones.all() if m.done_on and start <= m.done_on <= end]
        starts = action.start_date is not None and start <= action.start_date <= end
        ends = action.end_date is not None and start <= action.end_date <= end
        if due or starts or ends:
            planned.append(
                {
                    "action": action.title,
                    "status": action.status,
                    "department": str(action.responsible_department or ""),
                    "milestones_due": [
                        {"title": m.title, "due": m.due_date.isoformat(),
                         "done_on": m.done_on.isoformat() if m.done_on else None}
                        for m in due
                    ],
                    "starts": action.start_date.isoformat() if starts and action.start_date
                    else None,
                    "ends": action.end_date.isoformat() if ends and action.end_date else None,
                }
            )
        if finished:
            done.append(
                {
                    "action": action.title,
                    "milestones_done": [
                        {"title": m.title, "due": m.due_date.isoformat(),
                         "done_on": m.done_on.isoformat() if m.done_on else None}
                        for m in finished
                    ],
                }
            )
    targets = []
    for target in strategy.targets.select_related("indicator", "strategy__city", "area").defer(
        *HEAVY, *HEAVY_AREA
    ):
        status = target_status(target, on=end)
        values = status.get("observations", [])
        before = [o for o in values if o["date"] < start.isoformat()]
        within = [o for o in values if start.isoformat() <= o["date"] <= end.isoformat()]
        first = before[-1] if before else (within[0] if within else None)
        last = within[-1] if within else None
        moved = None
        if first is not None and last is not None and first is not last:
            moved = last["value"] - first["value"]
        targets.append(
            {
                "target": target.title,
                "indicator": target.indicator.code if target.indicator is not None else None,
                "unit": target.indicator.unit if target.indicator is not None else "",
                "baseline": [target.baseline_value, target.baseline_year],
                "goal": [target.target_value, target.target_year],
                "status": status["status"],
                "reason": status["reason"],
                "percent": status.get("percent"),
                "from": first,
                "to": last,
                "change": moved,
                "observations_in_period": len(within),
            }
        )
    return {
        "strategy": {"title": strategy.title, "city": strategy.city.name,
                     "slug": strategy.slug},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_on": today().isoformat(),
        "planned": planned,
        "done": done,
        "targets": targets,
        "summary": {
            "actions_planned": len(planned),
            "actions_with_progress": len(done),
            "milestones_done": sum(len(d["milestones_done"]) for d in done),
            "targets_moved": sum(1 for t in targets if t["change"]),
            "targets_by_status": _count(t["status"] for t in targets),
        },
    }


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item] += 1
    return dict(counts)


def reports(strategy: Strategy) -> QuerySet[ProgressReport]:
    return strategy.reports.all()


def get_report(strategy: Strategy, pk: int) -> ProgressReport:
    report = strategy.reports.filter(pk=pk).first()
    if report is None:
        raise Http404(f"No report {pk} for this strategy.")
    return report


def report_for_display(report: ProgressReport) -> dict[str, Any]:
    """The frozen content of ``report`` with each status code's label in the reader's language.

    The content keeps codes (``off_track``, ``in_progress``) so that the CSV and JSON stay
    machine-readable; a page shows ``status_label``. A code no longer known shows as itself."""
    content = dict(report.content)

    def labelled(items: list[dict[str, Any]], choices: Any) -> list[dict[str, Any]]:
        labels = dict(choices.choices)
        return [
            {**item, "status_label": str(labels.get(item.get("status"), item.get("status")))}
            for item in items
        ]

    content["planned"] = labelled(content.get("planned", []), ActionStatus)
    content["targets"] = labelled(content.get("targets", []), TargetStatus)
    return content


def report_rows(report: ProgressReport) -> list[list[Any]]:
    """The report as a flat table for CSV: one row per item."""
    content = report.content
    rows: list[list[Any]] = [["section", "item", "detail", "status", "value_from", "value_to",
                              "change", "unit"]]
    for item in content.get("planned", []):
        for milestone in item["milestones_due"] or [{}]:
            rows.append(["planned", item["action"], milestone.get("title", ""),
                         item["status"], milestone.get("due", ""), milestone.get("done_on") or "",
                         "", ""])
    for item in content.get("done", []):
        for milestone in item["milestones_done"]:
            rows.append(["done", item["action"], milestone["title"], "done",
                         milestone["due"], milestone["done_on"] or "", "", ""])
    for item in content.get("targets", []):
        rows.append(["target", item["target"], item["reason"], item["status"],
                     (item["from"] or {}).get("value", ""), (item["to"] or {}).get("value", ""),
                     "" if item["change"] is None else item["change"], item["unit"]])
    return rows


# ---------------------------------------------------------------- across cities


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
        raise Http404(f"No catalogue indicator {code!r}.")
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
    - the share of actions that are citizen-driven. Cancelled actions are left out."""
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
    live = Action.objects.filter(
        strategy__is_published=True, strategy__city__is_published=True
    ).exclude(status=ActionStatus.CANCELLED)
    totals = live.aggregate(
        total=Count("pk"),
        ppp=Count("pk", filter=Q(is_ppp=True)),
        citizen=Count("pk", filter=Q(is_citizen_driven=True)),
    )
    total = totals["total"] or 0
    by_city = {
        row["strategy__city"]: row
        for row in live.values("strategy__city").annotate(
            total=Count("pk"),
            ppp=Count("pk", filter=Q(is_ppp=True)),
            citizen=Count("pk", filter=Q(is_citizen_driven=True)),
        )
    }
    for city_id, entry in per_city.items():
        counts = by_city.get(city_id, {"total": 0, "ppp": 0, "citizen": 0})
        entry.update({"actions": counts["total"], "ppp": counts["ppp"],
                      "citizen": counts["citizen"]})
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
