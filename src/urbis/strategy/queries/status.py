"""Whether a target is on track, explained in the reader's language, and the figures its chart
and an action's progress bar draw."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, overload

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engines import monitoring
from urbis.people.permissions import Action as Can
from urbis.people.permissions import can
from urbis.places.models import City
from urbis.strategy.models import (
    Action,
    ActionStatus,
    Indicator,
    Observation,
    Target,
    TargetKind,
    TargetStatus,
)
from urbis.strategy.queries.strategies import today


def observations(
    indicator: Indicator, city: City, *, area: Any = None, user: Any = None
) -> QuerySet[Observation]:
    rows = Observation.objects.filter(indicator=indicator, city=city, area=area).order_by("date")
    if not can(user, Can.VIEW_PRIVATE, city):
        rows = rows.filter(is_published=True)
    return rows


class CityObservations(Sequence[dict[str, Any]]):
    """A city's observations as the API lists them, read a page at a time.

    Only the five columns shown are selected: an observation's area reached through the ORM
    brings its geometry, and decoding one per row cost Barcelona's list (278 rows) about 200 ms
    of CPU. The list is counted and sliced in the database, so a page reads its own rows only."""

    _COLUMNS = ("indicator__code", "area__code", "date", "value", "source")

    def __init__(self, rows: QuerySet[Observation]) -> None:
        # A stable order, so that pages of the list neither repeat nor skip a row.
        self._rows = rows.order_by("indicator__code", "date", "area__code", "pk")
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._rows.count()
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        keys = ("indicator", "area", "date", "value", "source")
        if isinstance(index, slice):
            return [dict(zip(keys, row, strict=True))
                    for row in self._rows.values_list(*self._COLUMNS)[index]]
        return dict(zip(keys, self._rows.values_list(*self._COLUMNS)[index], strict=True))


def city_observations(
    city: City, *, user: Any = None, indicator: str | None = None, area: str | None = None
) -> CityObservations:
    """What ``GET /cities/{code}/observations`` lists: published rows (all for the city's
    editors), filtered by indicator code and by area code (``city``: the whole city only)."""
    rows = Observation.objects.filter(city=city)
    if not can(user, Can.VIEW_PRIVATE, city):
        rows = rows.filter(is_published=True)
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if area == "city":
        rows = rows.filter(area__isnull=True)
    elif area:
        rows = rows.filter(area__code=area)
    return CityObservations(rows)


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
