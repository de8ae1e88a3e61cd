"""Monitoring a strategy: pure functions over plain numbers, no Django.

- ``target_status``: whether a quantitative target is on track, at risk, off track or achieved,
  judged from the latest observation against the straight path from baseline to target, with the
  reason in words (see docs/STRATEGY.md for the rule).
- ``milestone_summary``: how many milestones of an action are done, and which are late.
- ``year_position``: a date as a position on the year axis, so annual figures (stored at
  31 December) sit exactly on their year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
ACHIEVED = "achieved"
NO_DATA = "no_data"

# Behind the path by at most this share of the whole planned change: "at risk", not "off track".
DEFAULT_TOLERANCE = 0.10
# Data older than this many years is flagged in the reason (the status still stands).
STALE_AFTER_YEARS = 3.0


def year_position(date: dt.date) -> float:
    """``date`` on a continuous year axis where 31 December of year Y is exactly Y.

    Annual figures describe a whole year and are stored at its last day; a target "by 2030" means
    by the end of 2030. Both then meet on the same axis."""
    days = 366 if calendar.isleap(date.year) else 365
    return date.year - 1 + date.timetuple().tm_yday / days


@dataclass(frozen=True)
class Point:
    """One observation: ``t`` on the year axis (see ``year_position``), ``value``."""

    t: float
    value: float


@dataclass(frozen=True)
class TargetSpec:
    baseline_year: float | None
    baseline_value: float | None
    target_year: float | None
    target_value: float | None
    direction: str  # "up" or "down": which way is better


@dataclass(frozen=True)
class TargetStatus:
    status: str
    reason: str
    latest: Point | None = None
    expected_at_latest: float | None = None
    # Share of the planned change achieved by the latest value (1.0 = target reached); may be
    # negative (moved the wrong way) or above 1.
    progress: float | None = None
    # Share of the planned time elapsed at the latest observation.
    elapsed: float | None = None
    path: list[Point] = field(default_factory=list)
    # The reason as (key, parameters), for translation; see ``ENGLISH``.
    parts: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        """Progress for a progress bar: 0–100."""
        if self.progress is None:
            return None
        return max(0.0, min(100.0, self.progress * 100))


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _year(t: float) -> str:
    return str(round(t)) if abs(t - round(t)) < 1e-6 else f"{t:.2f}"


def expected_value(spec: TargetSpec, t: float) -> float:
    """The value on the straight path from baseline to target at ``t``."""
    assert spec.baseline_year is not None and spec.target_year is not None
    assert spec.baseline_value is not None and spec.target_value is not None
    span = spec.target_year - spec.baseline_year
    share = (t - spec.baseline_year) / span
    return spec.baseline_value + (spec.target_value - spec.baseline_value) * share


def _reached(spec: TargetSpec, value: float) -> bool:
    assert spec.target_value is not None and spec.baseline_value is not None
    change = spec.target_value - spec.baseline_value
    if change == 0:
        # "Hold the level": reached while not worse than the target.
        return value >= spec.target_value if spec.direction == "up" else value <= spec.target_value
    return (value - spec.baseline_value) / change >= 1.0


# The reason, in parts: (key, parameters already formatted as text). The English sentence for
# each key is below; the web app translates the same keys (strategy/queries/status.py), so the
# rule is written once and explained in every interface language.
ENGLISH = {
    "missing": "Cannot judge: missing {fields}.",
    "years": "Cannot judge: the target year is not after the baseline year.",
    "no_obs": "No observation after the baseline year {baseline_year}.",
    "no_obs_passed": "No observation after the baseline year {baseline_year}, and the target "
    "year {target_year} has passed.",
    "achieved": "Latest value {value} ({year}) has reached the target {target} set for "
    "{target_year}.",
    "passed": "The target year {target_year} has passed and the target {target} was not "
    "reached: latest value {value} ({year}).",
    "hold": "Latest value {value} ({year}) is worse than the level {target} to hold.",
    "path": "Latest value {value} ({year}); the straight path from {baseline} ({baseline_year}) "
    "to {target} ({target_year}) expects {expected} by then. {progress} of the planned change "
    "is done after {elapsed} of the time.",
    "ahead": "At or ahead of the path.",
    "at_risk": "Behind the path by {gap} of the planned change (within the {tolerance} "
    "tolerance).",
    "off_track": "Behind the path by {gap} of the planned change (more than the {tolerance} "
    "tolerance).",
    "stale": "The latest figure is {age} years old.",
}
FIELD_NAMES = {
    "baseline_value": "baseline value",
    "baseline_year": "baseline year",
    "target_value": "target value",
    "target_year": "target year",
}

Part = tuple[str, dict[str, str]]


def explain(parts: Iterable[Part]) -> str:
    """The reason in English."""
    sentences = []
    for key, params in parts:
        if key == "missing":
            params = {"fields": ", ".join(FIELD_NAMES[f] for f in params["fields"].split(","))}
        sentences.append(ENGLISH[key].format(**params))
    return " ".join(sentences)


def target_status(
    spec: TargetSpec,
    observations: Iterable[Point],
    *,
    today: float,
    tolerance: float = DEFAULT_TOLERANCE,
) -> TargetStatus:
    """Status of a quantitative target on ``today`` (a year position), with its reason.

    Only observations after the baseline year count: the baseline itself is not progress."""
    missing = [
        name
        for name, value in (
            ("baseline_value", spec.baseline_value),
            ("baseline_year", spec.baseline_year),
            ("target_value", spec.target_value),
            ("target_year", spec.target_year),
        )
        if value is None
    ]
    if missing:
        parts: list[Part] = [("missing", {"fields": ",".join(missing)})]
        return TargetStatus(NO_DATA, explain(parts), parts=parts)
    assert spec.baseline_year is not None and spec.target_year is not None
    assert spec.baseline_value is not None and spec.target_value is not None
    if spec.target_year <= spec.baseline_year:
        parts = [("years", {})]
        return TargetStatus(NO_DATA, explain(parts), parts=parts)
    path = [
        Point(spec.baseline_year, spec.baseline_value),
        Point(spec.target_year, spec.target_value),
    ]
    years = {"baseline_year": _year(spec.baseline_year), "target_year": _year(spec.target_year)}
    since = sorted(
        (p for p in observations if p.t > spec.baseline_year + 1e-9), key=lambda p: p.t
    )
    if not since:
        parts = [("no_obs_passed" if today > spec.target_year else "no_obs", years)]
        return TargetStatus(NO_DATA, explain(parts), path=path, parts=parts)
    latest = since[-1]
    change = spec.target_value - spec.baseline_value
    progress = (latest.value - spec.baseline_value) / change if change else None
    elapsed = min(1.0, (latest.t - spec.baseline_year) / (spec.target_year - spec.baseline_year))
    expected = expected_value(spec, min(latest.t, spec.target_year))
    facts = {
        **years,
        "value": _fmt(latest.value),
        "year": _year(latest.t),
        "baseline": _fmt(spec.baseline_value),
        "target": _fmt(spec.target_value),
        "expected": _fmt(expected),
        "progress": f"{progress:.0%}" if progress is not None else "",
        "elapsed": f"{elapsed:.0%}",
        "tolerance": f"{tolerance:.0%}",
    }
    stale: list[Part] = []
    if today - latest.t > STALE_AFTER_YEARS:
        stale = [("stale", {"age": f"{today - latest.t:.0f}"})]

    def result(status: str, parts: list[Part]) -> TargetStatus:
        parts = parts + stale
        return TargetStatus(
            status, explain(parts), latest=latest, expected_at_latest=expected,
            progress=progress, elapsed=elapsed, path=path, parts=parts,
        )

    if _reached(spec, latest.value):
        return result(ACHIEVED, [("achieved", facts)])
    if latest.t >= spec.target_year - 1e-9 or today > spec.target_year:
        return result(OFF_TRACK, [("passed", facts)])
    if progress is None:
        return result(OFF_TRACK, [("hold", facts)])  # holding a level, not yet reached
    gap = progress - elapsed
    facts["gap"] = f"{-gap:.0%}"
    if gap >= 0:
        return result(ON_TRACK, [("path", facts), ("ahead", {})])
    if gap >= -tolerance:
        return result(AT_RISK, [("path", facts), ("at_risk", facts)])
    return result(OFF_TRACK, [("path", facts), ("off_track", facts)])


@dataclass(frozen=True)
class MilestoneInfo:
    title: str
    due: dt.date
    done_on: dt.date | None


@dataclass(frozen=True)
class MilestoneSummary:
    total: int
    done: int
    late: list[MilestoneInfo]
    done_late: list[MilestoneInfo]

    @property
    def percent(self) -> float | None:
        return None if not self.total else 100.0 * self.done / self.total

    @property
    def is_late(self) -> bool:
        return bool(self.late)


def milestone_summary(milestones: Sequence[MilestoneInfo], *, today: dt.date) -> MilestoneSummary:
    """Done and late milestones: late = not done and its due date is before ``today``."""
    done = [m for m in milestones if m.done_on is not None]
    late = [m for m in milestones if m.done_on is None and m.due < today]
    done_late = [m for m in done if m.done_on is not None and m.done_on > m.due]
    return MilestoneSummary(
        total=len(milestones), done=len(done), late=late, done_late=done_late
    )
