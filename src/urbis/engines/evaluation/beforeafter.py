"""Compare an indicator's observations before and after a pilot, in the pilot's area and, when
given, in comparison areas (difference-in-differences).

Each period's level is the plain mean of the observations dated inside it (both ends included).
The change is after − before; with comparison areas, their mean change is what would have been
expected without the pilot if the areas had moved in parallel, and the difference-in-differences
is the pilot area's change minus that. This is an observational comparison: it does not account
for anything else that differed between the areas or the periods, so it is not a causal estimate
and the pages and API say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Period = tuple[dt.date, dt.date]
Observation = tuple[dt.date, float]

METHOD_BEFORE_AFTER = "before-after"
METHOD_DIFFERENCE_IN_DIFFERENCES = "difference-in-differences"


class EvaluationError(ValueError):
    """The evaluation cannot be computed; ``field`` names what is missing or wrong."""

    def __init__(self, field: str, reason: str, code: str = "", **params: object):
        self.field = field
        self.reason = reason
        self.code = code  # for a caller that words the reason in the reader's language
        self.params = params
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class Change:
    name: str
    before_mean: float
    after_mean: float
    before_n: int
    after_n: int

    @property
    def change(self) -> float:
        return self.after_mean - self.before_mean

    @property
    def relative_change(self) -> float | None:
        """The change as a share of the before level (``None`` when that level is 0)."""
        return None if self.before_mean == 0 else self.change / abs(self.before_mean)


@dataclass(frozen=True)
class Evaluation:
    method: str  # METHOD_BEFORE_AFTER or METHOD_DIFFERENCE_IN_DIFFERENCES
    pilot: Change
    comparisons: tuple[Change, ...]
    comparison_change: float | None  # mean change of the comparison areas
    difference_in_differences: float | None
    improved: bool | None  # whether the estimate moved the better way (None: no direction)

    @property
    def estimate(self) -> float:
        """The headline figure: the difference-in-differences if there are comparison areas,
        otherwise the pilot area's own change."""
        if self.difference_in_differences is not None:
            return self.difference_in_differences
        return self.pilot.change


def _check_period(name: str, period: Period) -> None:
    start, end = period
    if end < start:
        raise EvaluationError(name, f"ends ({end}) before it starts ({start})", "order",
                              start=start, end=end)


def _change(name: str, observations: Iterable[Observation], before: Period,
            after: Period) -> Change:
    rows = list(observations)
    early = [v for d, v in rows if before[0] <= d <= before[1]]
    late = [v for d, v in rows if after[0] <= d <= after[1]]
    for values, (start, end) in ((early, before), (late, after)):
        if not values:
            raise EvaluationError(name, f"no observation between {start} and {end}", "empty",
                                  start=start, end=end)
    return Change(name=name, before_mean=sum(early) / len(early),
                  after_mean=sum(late) / len(late), before_n=len(early), after_n=len(late))


def evaluate(
    pilot: Sequence[Observation],
    *,
    before: Period,
    after: Period,
    comparisons: Mapping[str, Sequence[Observation]] | None = None,
    direction: str | None = None,
    pilot_name: str = "pilot",
) -> Evaluation:
    """Before/after in the pilot's area, and difference-in-differences against ``comparisons``
    (name → observations) when any are given. ``direction`` is ``"up"`` or ``"down"`` (which way
    is better for the indicator)."""
    _check_period("before", before)
    _check_period("after", after)
    if after[0] <= before[1]:
        raise EvaluationError("after", "must start after the before period ends", "overlap")
    if direction not in (None, "up", "down"):
        raise EvaluationError("direction", f"{direction!r} is neither 'up' nor 'down'")
    own = _change(pilot_name, pilot, before, after)
    others = tuple(_change(name, rows, before, after)
                   for name, rows in (comparisons or {}).items())
    comparison_change = (sum(c.change for c in others) / len(others)) if others else None
    did = own.change - comparison_change if comparison_change is not None else None
    estimate = did if did is not None else own.change
    improved = None
    if direction == "up":
        improved = estimate > 0
    elif direction == "down":
        improved = estimate < 0
    return Evaluation(
        method=METHOD_DIFFERENCE_IN_DIFFERENCES if others else METHOD_BEFORE_AFTER,
        pilot=own, comparisons=others, comparison_change=comparison_change,
        difference_in_differences=did, improved=improved,
    )
