"""Weighted distribution of one question's answers, with confidence intervals.

Each share is the weighted proportion of respondents who gave that answer. Its interval is
Wilson's (``statsmodels.stats.proportion.proportion_confint``) taken on the effective sample size
``n / deff`` (Kish), so that unequal weights widen it as they should. A group with fewer than
``SMALL_SAMPLE`` answers is flagged: its interval is wide and its share should not be read alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from urbis.engines.survey.weighting import design_effect

SMALL_SAMPLE = 30
LEVEL = 0.95


@dataclass(frozen=True)
class Share:
    category: Hashable
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Distribution:
    n: int
    effective_n: float
    small_sample: bool
    shares: list[Share]
    mean: float | None = None  # numeric questions: weighted mean and its interval
    mean_low: float | None = None
    mean_high: float | None = None


def _shares(
    values: np.ndarray, w: np.ndarray, categories: Sequence[Hashable], level: float
) -> Distribution:
    n = int(w.size)
    if n == 0 or w.sum() <= 0:
        return Distribution(0, 0.0, True, [Share(c, float("nan"), 0.0, 1.0) for c in categories])
    n_eff = n / design_effect(w)
    total = w.sum()
    p = np.array([w[values == category].sum() / total for category in categories])
    low, high = proportion_confint(p * n_eff, n_eff, alpha=1 - level, method="wilson")
    shares = [
        Share(c, float(p[i]), float(np.atleast_1d(low)[i]), float(np.atleast_1d(high)[i]))
        for i, c in enumerate(categories)
    ]
    return Distribution(n, float(n_eff), n < SMALL_SAMPLE, shares)


def distribution(
    answers: Sequence[Hashable] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    categories: Sequence[Hashable],
    *,
    level: float = LEVEL,
) -> Distribution:
    """Weighted shares of ``categories`` among ``answers`` (one answer per respondent)."""
    w = np.asarray(weights, dtype=float)
    if len(answers) != w.size:
        raise ValueError(f"{len(answers)} answers for {w.size} weights")
    return _shares(np.asarray(answers), w, categories, level)


def numeric_summary(
    values: Sequence[float], weights: Sequence[float] | np.ndarray, *, level: float = LEVEL
) -> Distribution:
    """Weighted mean of a numeric answer with a normal interval on the effective sample size."""
    from scipy.stats import norm

    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = int(x.size)
    if n == 0:
        return Distribution(0, 0.0, True, [])
    n_eff = n / design_effect(w)
    mean = float(np.average(x, weights=w))
    sd = float(np.sqrt(np.average((x - mean) ** 2, weights=w)))
    half = float(norm.ppf(0.5 + level / 2)) * sd / np.sqrt(max(n_eff, 1.0))
    return Distribution(n, float(n_eff), n < SMALL_SAMPLE, [], mean, mean - half, mean + half)


def by_group(
    groups: Sequence[Hashable] | np.ndarray,
    answers: Sequence[Hashable] | np.ndarray,
    weights: Sequence[float] | np.ndarray,
    categories: Sequence[Hashable],
    *,
    level: float = LEVEL,
) -> dict[Hashable, Distribution]:
    """:func:`distribution` within each group (a district, a city), in order of first appearance."""
    g = np.asarray(groups)
    a = np.asarray(answers)
    w = np.asarray(weights, dtype=float)
    if not (len(g) == len(a) == w.size):
        raise ValueError(f"{len(g)} groups, {len(a)} answers and {w.size} weights")
    levels, first, inverse = np.unique(g, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    k = len(levels)
    # All groups at once: weighted totals by group and category, one interval call for all.
    n = np.bincount(inverse, minlength=k)
    total = np.bincount(inverse, weights=w, minlength=k)
    squares = np.bincount(inverse, weights=w * w, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(squares > 0, total * total / squares, 0.0)
        p = np.array(
            [np.bincount(inverse, weights=w * (a == c), minlength=k) / total for c in categories]
        )
        low, high = proportion_confint(
            p * n_eff, np.broadcast_to(n_eff, p.shape), alpha=1 - level, method="wilson"
        )
    result = {}
    for j in np.argsort(first):
        if total[j] <= 0:
            result[levels[j].item()] = _shares(a[:0], w[:0], categories, level)
            continue
        shares = [
            Share(c, float(p[i, j]), float(low[i, j]), float(high[i, j]))
            for i, c in enumerate(categories)
        ]
        result[levels[j].item()] = Distribution(
            int(n[j]), float(n_eff[j]), bool(n[j] < SMALL_SAMPLE), shares
        )
    return result
